package org.mfc.fhir.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;

/**
 * A fleet of AVA4 boxes publishing their readings on {@code dusun_pub} with QoS 1, open loop: reading {@code i} is
 * published at {@code start + i / rate} whatever happened to the earlier ones, and its latency is measured from that
 * intended time to the broker's PUBACK. The boxes share a few connections (the topic never names the device; the
 * payload does), as gateways behind a converter would.
 */
public final class MqttFleetPublisher implements AutoCloseable {

    public static final String TOPIC = "dusun_pub";
    /** What a reading got: the broker's PUBACK (success), a PUBACK with an error reason code, or nothing. */
    public static final int ACKNOWLEDGED = 0;
    public static final int NO_ANSWER = -1;

    /** Called once per reading when its fate is known: {@code code} is ACKNOWLEDGED, NO_ANSWER or a reason code. */
    @FunctionalInterface
    public interface Answer {
        void on(long i, int code, long latencyNanos, long sentAtNanos);
    }

    /** One step: readings sent, the rate achieved, acknowledged and not. */
    public record Result(long sent, double achievedRate, long acknowledged, long failed) {
    }

    private final List<Mqtt5AsyncClient> connections = new ArrayList<>();

    public MqttFleetPublisher(String host, int port, String user, String password, int connectionCount) {
        for (int c = 0; c < connectionCount; c++) {
            Mqtt5AsyncClient client = MqttClient.builder().useMqttVersion5()
                    .identifier("fleet-" + ProcessHandle.current().pid() + "-" + c).serverHost(host).serverPort(port)
                    .automaticReconnect().initialDelay(200, TimeUnit.MILLISECONDS).maxDelay(2, TimeUnit.SECONDS)
                    .applyAutomaticReconnect()
                    .simpleAuth().username(user).password(password.getBytes(StandardCharsets.UTF_8))
                    .applySimpleAuth().buildAsync();
            client.connectWith().cleanStart(true).send().join();
            connections.add(client);
        }
    }

    /** Publishes readings {@code first .. first + rate * duration - 1} of {@code fleet}; returns when all answered. */
    public Result run(Ava4Fleet fleet, long first, int rate, Duration duration, Answer answer) {
        long count = rate * duration.toSeconds();
        double interval = 1e9 / rate;
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        long start = System.nanoTime() + 20_000_000L;
        long sent = 0;
        for (long k = 0; k < count; k++) {
            long due = start + (long) (k * interval);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            long i = first + k;
            pending.add(send(fleet, i).handle((code, failure) -> {
                int c = failure != null ? NO_ANSWER : code;
                (c == ACKNOWLEDGED ? acked : failed).incrementAndGet();
                answer.on(i, c, System.nanoTime() - due, due);
                return null;
            }));
            sent++;
            if (pending.size() > 10_000) {
                pending.removeIf(CompletableFuture::isDone);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Readings still without an answer count as such; the caller retries them.
        }
        return new Result(sent, sent / Math.max(seconds, 1e-9), acked.get(), failed.get());
    }

    /** Publishes reading {@code i} once: completes with ACKNOWLEDGED, a PUBACK reason code, or NO_ANSWER. */
    public CompletableFuture<Integer> send(Ava4Fleet fleet, long i) {
        Mqtt5AsyncClient c = connections.get((int) (i % connections.size()));
        return c.publishWith().topic(TOPIC).qos(MqttQos.AT_LEAST_ONCE)
                .payload(fleet.payload(i).getBytes(StandardCharsets.UTF_8)).send()
                .orTimeout(15, TimeUnit.SECONDS)
                .handle((result, failure) -> {
                    Throwable cause = failure instanceof java.util.concurrent.CompletionException
                            && failure.getCause() != null ? failure.getCause() : failure;
                    if (cause instanceof Mqtt5PubAckException e) {
                        return e.getMqttMessage().getReasonCode().getCode();
                    }
                    if (cause != null) {
                        return NO_ANSWER;
                    }
                    return result.getError().isPresent() ? NO_ANSWER : ACKNOWLEDGED;
                });
    }

    @Override
    public void close() {
        for (Mqtt5AsyncClient c : connections) {
            try {
                c.disconnect().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // Already gone.
            }
        }
    }
}
