package org.mfc.fhir.ingest.publish;

import org.apache.kafka.common.Metric;

import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaProducer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Whether the readings producer holds an established connection to a broker, read from the producer's own metrics:
 * no I/O, so it can be asked on every request and by every readiness probe. A killed or unreachable broker shows
 * here at once (the socket closes), long before the records handed to the producer expire; the producer keeps
 * trying to reconnect by itself (about once a second) and the connection shows again when one succeeds.
 *
 * <p>The producer's {@code connection-count} also counts a connection attempt still in progress, so on its own it
 * reads 1 for a moment on every failed reconnect; {@link EstablishedConnection} tells the two apart with
 * {@code connection-creation-total}, which only counts connections that were established.
 */
@ApplicationScoped
public class ProducerConnection {

    public static final String CHANNEL = "readings-out";

    private static final String GROUP = "producer-metrics";

    @Inject
    KafkaClientService kafka;

    private final EstablishedConnection established = new EstablishedConnection();

    /** The producer's gauges, found once: the producer and its metrics live as long as the channel. */
    private volatile Metric connectionCount;
    private volatile Metric creationTotal;

    /** The producer has at least one established broker connection; false before the channel exists. */
    public boolean connected() {
        if (connectionCount == null && !find()) {
            return false;
        }
        try {
            return established.observe(value(connectionCount), value(creationTotal));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static long value(Metric metric) {
        return metric.metricValue() instanceof Number n ? (long) n.doubleValue() : 0;
    }

    private boolean find() {
        try {
            KafkaProducer<?, ?> producer = kafka.getProducer(CHANNEL);
            if (producer == null) {
                return false;
            }
            Metric count = null;
            Metric created = null;
            for (var e : producer.unwrap().metrics().entrySet()) {
                if (GROUP.equals(e.getKey().group())) {
                    switch (e.getKey().name()) {
                        case "connection-count" -> count = e.getValue();
                        case "connection-creation-total" -> created = e.getValue();
                        default -> { }
                    }
                }
            }
            if (count == null || created == null) {
                return false;
            }
            creationTotal = created;
            connectionCount = count;
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * The decision, apart from Kafka so it can be tested: open connections count as established only if a
     * connection was established since the producer was last seen with none. Every established connection raises
     * the creation total; a failed attempt never does. Safe for concurrent callers (a race can only repeat an
     * observation).
     */
    static final class EstablishedConnection {

        /** The creation total when the producer was last seen without an established connection. */
        private volatile long creationsWhenLastDown;

        boolean observe(long openConnections, long creationTotal) {
            if (openConnections <= 0) {
                creationsWhenLastDown = creationTotal;
                return false;
            }
            return creationTotal > creationsWhenLastDown;
        }
    }
}
