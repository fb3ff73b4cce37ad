package org.mfc.fhir.ingest.mqtt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.mfc.fhir.core.model.Stage;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * What the MQTT ingress did since start, for {@code GET /admin/mqtt/stats}, the health summary and {@code /q/metrics}
 * ({@code ingest.mqtt.*}; tags are outcome and reason codes only, never topics' payloads or device ids).
 * "Unacknowledged" is what the broker handed over and has no PUBACK for yet: each such message is still the broker's
 * to re-send if this instance dies.
 */
@ApplicationScoped
public class MqttStats {

    /** How long a message is remembered to recognise it arriving again. */
    static final Duration REDELIVERY_WINDOW = Duration.ofMinutes(10);

    private final MeterRegistry registry;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong redelivered = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> rejectReasons = new ConcurrentHashMap<>();
    /** Sequence number of each unacknowledged message → its receipt time (System.nanoTime). */
    private final Map<Long, Long> unacknowledged = new ConcurrentHashMap<>();
    private final Cache<String, Boolean> seen = Caffeine.newBuilder().maximumSize(200_000)
            .expireAfterWrite(REDELIVERY_WINDOW).executor(Runnable::run).build();
    private final Timer ackLatency;
    private volatile boolean connected;
    private volatile String state = "not started";
    private volatile List<String> subscriptions = List.of();

    @Inject
    public MqttStats(MeterRegistry registry) {
        this.registry = registry;
        this.ackLatency = Timer.builder("ingest.mqtt.ack.latency")
                .description("Time from receiving an MQTT message to acknowledging it (queued, stored or set aside)")
                .tag("stage", Stage.PUBLISH.name()).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        Gauge.builder("ingest.mqtt.connected", () -> connected ? 1 : 0)
                .description("1 while connected to the MQTT broker").register(registry);
        Gauge.builder("ingest.mqtt.unacknowledged", unacknowledged, Map::size)
                .description("MQTT messages received and not yet acknowledged").register(registry);
        Gauge.builder("ingest.mqtt.oldest.unacknowledged.seconds", () -> oldestUnacknowledged().toMillis() / 1000.0)
                .description("Age of the oldest MQTT message not yet acknowledged").register(registry);
    }

    /** A message arrived: returns its sequence number, the key of its unacknowledged entry. */
    public long received(String topic, byte[] payload) {
        long seq = sequence.incrementAndGet();
        unacknowledged.put(seq, System.nanoTime());
        received.incrementAndGet();
        count("received");
        if (seen.asMap().putIfAbsent(digest(topic, payload), Boolean.TRUE) != null) {
            redelivered.incrementAndGet();
            count("redelivered");
        }
        return seq;
    }

    /** The message was acknowledged with {@code outcome}: queued, stored, parked or rejected. */
    public void acknowledged(long seq, String outcome) {
        Long start = unacknowledged.remove(seq);
        if (start != null) {
            ackLatency.record(Duration.ofNanos(System.nanoTime() - start));
        }
        count(outcome);
    }

    /** A refused message was set aside on the rejects topic, for {@code reason} (an error code). */
    public void rejected(String reason) {
        rejectReasons.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
        Counter.builder("ingest.mqtt.rejects").description("MQTT messages set aside on the rejects topic, by reason")
                .tag("reason", reason).register(registry).increment();
    }

    /** A message could be neither queued nor stored (nor set aside) and will be tried again, unacknowledged. */
    public void retried() {
        retries.incrementAndGet();
        count("retried");
    }

    /** The connection to the broker went up or down. */
    public void connection(boolean up, String description) {
        connected = up;
        state = description;
    }

    public void subscribed(List<String> filters) {
        subscriptions = List.copyOf(filters);
    }

    public boolean connected() {
        return connected;
    }

    public String state() {
        return state;
    }

    public int unacknowledgedCount() {
        return unacknowledged.size();
    }

    public Duration oldestUnacknowledged() {
        long now = System.nanoTime();
        long oldest = unacknowledged.values().stream().mapToLong(Long::longValue).min().orElse(now);
        return Duration.ofNanos(now - oldest);
    }

    MqttStatsView view(MqttConfig config, String clientId) {
        Map<String, Long> reasons = new TreeMap<>();
        rejectReasons.forEach((k, v) -> reasons.put(k, v.get()));
        int pending = unacknowledged.size();
        return new MqttStatsView(config.enabled(), connected, state, config.host() + ":" + config.port(), clientId,
                config.shareGroup(), subscriptions, received.get(), outcome("queued"), outcome("stored"),
                outcome("parked"), outcome("rejected"), reasons, redelivered.get(), retries.get(), pending,
                pending == 0 ? null : oldestUnacknowledged().toMillis(), config.rejectsTopic());
    }

    private long outcome(String name) {
        AtomicLong n = outcomes.get(name);
        return n == null ? 0 : n.get();
    }

    private void count(String outcome) {
        outcomes.computeIfAbsent(outcome, o -> new AtomicLong()).incrementAndGet();
        Counter.builder("ingest.mqtt.messages").description("MQTT messages by outcome (received, queued, stored, "
                + "parked, rejected, redelivered, retried)").tag("outcome", outcome).register(registry).increment();
    }

    private static String digest(String topic, byte[] payload) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(topic.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(payload);
            return java.util.HexFormat.of().formatHex(md.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
