package org.mfc.fhir.ingest.publish;

import java.util.concurrent.CompletionException;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

import com.fasterxml.jackson.core.JsonProcessingException;

/** How a failed publish is read: whether it says the broker is unavailable, and the reason a fallback is counted as. */
public final class PublishFailures {

    private static final int MAX_CAUSES = 5;
    private static final int MAX_MESSAGE_CHARS = 200;

    private PublishFailures() {
    }

    /**
     * Whether {@code failure} counts against the broker in the publishing circuit: everything except problems of one
     * record (too large, not encodable), which say nothing about the broker and go to synchronous storage alone.
     */
    static boolean brokerUnavailable(Throwable failure) {
        Throwable cause = unwrap(failure);
        return !(cause instanceof RecordTooLargeException || cause instanceof SerializationException
                || cause instanceof InvalidRecordException || cause instanceof JsonProcessingException);
    }

    /**
     * The {@code reason} tag of {@code ingest_sync_fallbacks_total}: {@code circuit-open} and
     * {@code broker-unavailable} were skipped without waiting, {@code timeout} and {@code refused} were tried.
     */
    public static String reason(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof CircuitBreakerOpenException) {
            return "circuit-open";
        }
        if (cause instanceof BrokerUnavailableException) {
            return "broker-unavailable";
        }
        if (cause instanceof java.util.concurrent.TimeoutException) {
            return "timeout";
        }
        return "refused";
    }

    /** Whether the request waited for the broker before falling back (worth a warning), or skipped it. */
    public static boolean waited(String reason) {
        return "timeout".equals(reason) || "refused".equals(reason);
    }

    /**
     * What a WARN says about a failed publish: the class of each cause, outermost first, and the Kafka client's own
     * message (about brokers, partitions and timeouts, never a record's content). Other messages are left out: they
     * can quote what was sent.
     */
    public static String describe(Throwable failure) {
        StringBuilder s = new StringBuilder();
        String kafkaMessage = null;
        int depth = 0;
        for (Throwable t = unwrap(failure); t != null && depth < MAX_CAUSES; t = t.getCause(), depth++) {
            if (depth > 0) {
                s.append(" caused by ");
            }
            s.append(t.getClass().getSimpleName());
            if (kafkaMessage == null && t instanceof KafkaException && t.getMessage() != null) {
                kafkaMessage = t.getMessage();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        if (kafkaMessage != null) {
            s.append(": ").append(kafkaMessage.length() > MAX_MESSAGE_CHARS
                    ? kafkaMessage.substring(0, MAX_MESSAGE_CHARS) + "..." : kafkaMessage);
        }
        return s.toString();
    }

    public static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
