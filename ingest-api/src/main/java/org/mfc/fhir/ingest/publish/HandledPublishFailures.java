package org.mfc.fhir.ingest.publish;

import java.util.List;
import java.util.logging.Filter;
import java.util.logging.LogRecord;

import org.jboss.logging.Logger;
import org.jboss.logmanager.Level;

import io.quarkus.logging.LoggingFilter;

/**
 * SmallRye's Kafka sink logs an ERROR with a stack trace for every record it could not send (SRMSG18206) and for
 * the nack that follows (SRMSG18212). This service handles every such record itself: a reading is stored
 * synchronously and logged once as a WARN with its cause ({@code IngestService}), a refused MQTT message is retried
 * ({@code MqttMessageHandler}). So those two lines are DEBUG here, shown when the sink's category is at DEBUG.
 * Quarkus's own {@code quarkus.log.filter} only lowers WARN and below, hence this filter.
 */
@LoggingFilter(name = HandledPublishFailures.NAME)
public final class HandledPublishFailures implements Filter {

    public static final String NAME = "handled-publish-failures";
    static final String SINK_CATEGORY = "io.smallrye.reactive.messaging.kafka";
    private static final List<String> HANDLED = List.of("SRMSG18206", "SRMSG18212");

    @Override
    public boolean isLoggable(LogRecord record) {
        String message = record.getMessage();
        if (message == null || !SINK_CATEGORY.equals(record.getLoggerName())) {
            return true;
        }
        for (String code : HANDLED) {
            if (message.startsWith(code)) {
                record.setLevel(Level.DEBUG);
                return Logger.getLogger(SINK_CATEGORY).isDebugEnabled();
            }
        }
        return true;
    }
}
