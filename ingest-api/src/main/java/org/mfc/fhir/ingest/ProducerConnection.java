package org.mfc.fhir.ingest;

import org.apache.kafka.common.Metric;

import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaProducer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Whether the readings producer holds an open connection to a broker, read from the producer's own
 * {@code connection-count} metric: no I/O, so it can be asked on every request and by every readiness probe. A
 * killed or unreachable broker shows here at once (the socket closes), long before the records handed to the
 * producer expire; the producer keeps trying to reconnect by itself (about once a second) and the count comes back
 * when it succeeds.
 */
@ApplicationScoped
public class ProducerConnection {

    static final String CHANNEL = "readings-out";

    @Inject
    KafkaClientService kafka;

    /** The producer's gauge, found once: the producer and its metrics live as long as the channel. */
    private volatile Metric connectionCount;

    /** The producer has at least one open broker connection; false before the channel exists. */
    public boolean connected() {
        Metric metric = connectionCount;
        if (metric == null) {
            metric = find();
            if (metric == null) {
                return false;
            }
            connectionCount = metric;
        }
        try {
            return metric.metricValue() instanceof Number n && n.doubleValue() > 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private Metric find() {
        try {
            KafkaProducer<?, ?> producer = kafka.getProducer(CHANNEL);
            if (producer == null) {
                return null;
            }
            for (var e : producer.unwrap().metrics().entrySet()) {
                if ("connection-count".equals(e.getKey().name()) && "producer-metrics".equals(e.getKey().group())) {
                    return e.getValue();
                }
            }
            return null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
