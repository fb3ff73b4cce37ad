package org.mfc.fhir.ingest.mqtt;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;
import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.model.Stage;
import org.mfc.fhir.ingest.security.Caller;
import org.mfc.fhir.ingest.config.IngestConfig;
import org.mfc.fhir.ingest.service.IngestResult;
import org.mfc.fhir.ingest.service.IngestService;
import org.mfc.fhir.ingest.problem.ProblemException;
import org.mfc.fhir.ingest.security.RateLimiter;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * RECEIVE, VALIDATE, PUBLISH for one MQTT message, through the same {@link IngestService} as HTTP, and the one
 * place that decides when the broker gets its PUBACK:
 * <ul>
 * <li>queued (the Kafka broker acknowledged, {@code acks=all}), or stored synchronously because the queue was
 * unavailable, or parked: acknowledged;</li>
 * <li>refused (unknown topic, too large, invalid, over the device's rate): set aside on the rejects topic with the
 * reason, acknowledged once the rejects topic has it, so it never blocks the topic;</li>
 * <li>neither queued nor stored (Kafka and MongoDB both unavailable), or not set aside: NOT acknowledged, tried
 * again with backoff; if this instance dies first, the broker re-sends it (to another instance of the share group
 * when there is one).</li>
 * </ul>
 * No payload value is ever logged.
 */
@ApplicationScoped
public class MqttMessageHandler {

    private static final Logger LOG = Logger.getLogger(MqttMessageHandler.class);
    /** A failure that is not an outage (an unexpected exception) is retried this often, then set aside. */
    private static final int MAX_UNEXPECTED_ATTEMPTS = 5;
    /** Rejects-topic code of a message whose valid items were queued and whose other items were refused. */
    static final String ITEMS_REFUSED = "ITEMS_REFUSED";

    @Inject
    IngestService ingest;

    @Inject
    IngestConfig ingestConfig;

    @Inject
    MqttConfig config;

    @Inject
    MqttStats stats;

    @Inject
    RejectPublisher rejects;

    @Inject
    Tracer tracer;

    private RateLimiter deviceRate;
    private ScheduledExecutorService retries;

    @PostConstruct
    void init() {
        deviceRate = new RateLimiter(config.deviceRatePerSecond(), config.deviceRateBurst());
        retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mqtt-retry");
            t.setDaemon(true);
            return t;
        });
    }

    @PreDestroy
    void close() {
        retries.shutdownNow();
    }

    /**
     * Runs on the MQTT client's thread: validation is CPU work of microseconds; the rest completes asynchronously.
     * Each attempt is a span in the publisher's trace (or a new one), current while the record is sent, so the Kafka
     * record carries it on to the worker's MongoDB writes as an HTTP request's does.
     */
    public void handle(MqttMessage m) {
        Span span = tracer.spanBuilder(m.topic() + " process").setSpanKind(SpanKind.CONSUMER).setParent(m.trace())
                .setAttribute("messaging.system", "mqtt").setAttribute("messaging.destination.name", m.topic())
                .startSpan();
        try (Scope scope = span.makeCurrent()) {
            process(m);
        } catch (RuntimeException e) {
            retryLater(m, e);
        } finally {
            span.end();
        }
    }

    private void process(MqttMessage delivered) {
        MqttMessage m = delivered;
        MqttTopics.Route route = MqttTopics.route(m.topic());
        if (route == null) {
            reject(m, Stage.RECEIVE, "UNKNOWN_TOPIC", "topic: no device family publishes on this topic", null);
            return;
        }
        if (m.payload().length > ingestConfig.maxBodyBytes()) {
            reject(m, Stage.RECEIVE, "TOO_LARGE", "$: the message is larger than " + ingestConfig.maxBodyBytes()
                    + " bytes", null);
            return;
        }
        IngestService.Accepted accepted;
        try {
            accepted = ingest.validate(route.family(), route.parserTopic(), m.payload(), caller(m), null);
        } catch (ProblemException e) {
            reject(m, Stage.VALIDATE, e.errorCode(), reason(e), null);
            return;
        }
        // A message takes its device's rate once: the retries of a message neither queued nor stored (an outage)
        // are not new messages, and a device's backlog would otherwise be refused for its rate. One refused for its
        // rate has taken none and asks again when it is handled again (its set-aside failed).
        if (!m.rateTaken()) {
            for (IngestRecord r : accepted.records()) {
                try {
                    deviceRate.acquire(r.deviceKey());
                } catch (ProblemException e) {
                    reject(m, Stage.RECEIVE, e.errorCode(), "device " + r.deviceKey() + " is over its rate of "
                            + config.deviceRatePerSecond() + " messages/s", r.deviceKey());
                    return;
                }
            }
            m = m.withRateTaken();
        }
        MqttMessage rated = m;
        ingest.enqueue(accepted).whenComplete((result, failure) -> {
            if (failure == null && result.refused() != null) {
                setAsideRefusedItems(rated, result, accepted.records().get(0).deviceKey());
                return;
            }
            if (failure == null) {
                acknowledge(rated, result.status());
                return;
            }
            Throwable cause = unwrap(failure);
            if (cause instanceof ProblemException p && p.status() < 500) {
                reject(rated, Stage.PERSIST, p.errorCode(), reason(p), accepted.records().get(0).deviceKey());
            } else {
                retryLater(rated, cause);
            }
        });
    }

    /**
     * The valid items of the message are queued or stored; its refused items (an entry of a {@code device_list} or
     * an {@code AP55} batch) have no HTTP answer to be listed in, so the message goes to the rejects topic as well,
     * naming the refused items and their fields, and is acknowledged once it is kept there. Until then it is not
     * acknowledged: handled again, its valid items are queued again, which stores nothing twice (deterministic ids).
     */
    private void setAsideRefusedItems(MqttMessage m, IngestResult result, String deviceKey) {
        String reason = result.refused().stream().map(item -> item.item() + " (" + item.errors().stream()
                .map(e -> e.field() + ": " + e.message()).collect(Collectors.joining("; ")) + ")")
                .collect(Collectors.joining("; "));
        rejects.publish(m, Stage.VALIDATE, ITEMS_REFUSED + ": " + reason, deviceKey).whenComplete((ok, failure) -> {
            if (failure == null) {
                stats.rejected(ITEMS_REFUSED);
                acknowledge(m, result.status());
            } else {
                schedule(m, unwrap(failure));
            }
        });
    }

    private void reject(MqttMessage m, Stage stage, String code, String reason, String deviceKey) {
        rejects.publish(m, stage, code + ": " + reason, deviceKey).whenComplete((ok, failure) -> {
            if (failure == null) {
                stats.rejected(code);
                acknowledge(m, "rejected");
            } else {
                // Acknowledging now would lose the message: it stays the broker's until the rejects topic has it.
                schedule(m, unwrap(failure));
            }
        });
    }

    private void acknowledge(MqttMessage m, String outcome) {
        m.ack().run();
        stats.acknowledged(m.seq(), outcome);
    }

    private void retryLater(MqttMessage m, Throwable cause) {
        boolean outage = cause instanceof ProblemException p && p.status() == 503;
        if (!outage && m.attempt() + 1 >= MAX_UNEXPECTED_ATTEMPTS) {
            LOG.errorf("MQTT message on %s failed %d times (%s); setting it aside", m.topic(), m.attempt() + 1,
                    cause.getClass().getSimpleName());
            reject(m.nextAttempt(), Stage.PUBLISH, "INTERNAL_ERROR", cause.getClass().getSimpleName(), null);
            return;
        }
        schedule(m, cause);
    }

    /** Tries {@code m} again after a backoff, unacknowledged meanwhile. */
    private void schedule(MqttMessage m, Throwable cause) {
        Duration wait = backoff(m.attempt());
        if (m.attempt() == 0) {
            LOG.warnf("MQTT message on %s neither queued nor stored (%s); not acknowledged, retrying in %s",
                    m.topic(), cause.getClass().getSimpleName(), wait);
        }
        stats.retried();
        try {
            retries.schedule(() -> handle(m.nextAttempt()), wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Shutting down: the broker re-sends the unacknowledged message to whoever consumes next.
        }
    }

    private Duration backoff(int attempt) {
        long initial = config.retryInitialBackoff().toMillis();
        long max = config.retryMaxBackoff().toMillis();
        long wait = attempt >= 20 ? max : Math.min(max, initial << attempt);
        // Jitter: instances that lost the same outage do not come back in step.
        return Duration.ofMillis(wait / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(wait / 2 + 1));
    }

    /**
     * Fleet-wide: the broker authenticated the family's account and its ACL admits it to this topic only; the device is
     * named in the payload, as for a trusted bridge's token (docs/decisions.md, "MQTT accounts are fleet-wide callers").
     */
    private static Caller caller(MqttMessage m) {
        return new Caller(m.publisher() == null ? "mqtt" : "mqtt:" + m.publisher(), null, true);
    }

    /** The problem's fields and rules ({@code field: reason; ...}): what the REST answer says, never a value. */
    private static String reason(ProblemException e) {
        if (e.problems().isEmpty()) {
            return e.getMessage();
        }
        return e.problems().stream().map(p -> p.field() + ": " + p.reason()).collect(Collectors.joining("; "));
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
