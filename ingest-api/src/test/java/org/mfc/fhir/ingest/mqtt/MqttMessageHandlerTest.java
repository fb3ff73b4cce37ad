package org.mfc.fhir.ingest.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.FieldProblem;
import org.mfc.fhir.core.model.Stage;
import org.mfc.fhir.ingest.security.Caller;
import org.mfc.fhir.ingest.config.IngestConfig;
import org.mfc.fhir.ingest.service.IngestResult;
import org.mfc.fhir.ingest.service.IngestService;
import org.mfc.fhir.ingest.problem.ProblemException;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;

/**
 * When the broker gets its PUBACK: only after the message was queued, stored, or set aside on the rejects topic;
 * never while neither the queue nor the database took it, nor while the rejects topic did not.
 */
class MqttMessageHandlerTest {

    /** What the ingest service answers next: a stage per call. */
    private final ConcurrentLinkedQueue<CompletionStage<IngestResult>> answers = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> rejectAnswers = new ConcurrentLinkedQueue<>();
    private final List<String> rejectedReasons = new ArrayList<>();
    private final AtomicInteger acks = new AtomicInteger();
    private ProblemException invalid;
    private MqttMessageHandler handler;
    private MqttStats stats;

    @BeforeEach
    void handler() {
        stats = new MqttStats(new SimpleMeterRegistry());
        handler = new MqttMessageHandler();
        handler.stats = stats;
        handler.config = rates(100.0, 100);
        handler.ingestConfig = config(IngestConfig.class, Map.of("maxBodyBytes", 1_000));
        handler.ingest = new IngestService() {
            @Override
            public Accepted validate(DeviceFamily family, String topic, byte[] body, Caller caller, String id) {
                if (invalid != null) {
                    throw invalid;
                }
                return new Accepted("i-1", List.of(new IngestRecord("i-1", 0, family, topic, "box-0A0B0C0D0E0F",
                        caller.subject(), Instant.now().toString(), Json.mapper().createObjectNode())), List.of(), 1,
                        Instant.now(), id);
            }

            @Override
            public CompletionStage<IngestResult> enqueue(Accepted accepted) {
                return answers.remove();
            }
        };
        handler.rejects = new RejectPublisher() {
            @Override
            public CompletableFuture<Void> publish(MqttMessage m, Stage stage, String reason, String deviceKey) {
                rejectedReasons.add(stage + " " + reason);
                return rejectAnswers.remove();
            }
        };
        handler.tracer = OpenTelemetry.noop().getTracer("test");
        handler.init();
    }

    /** The handler's MQTT settings with this device rate, retries 20 to 40 ms apart. */
    private static MqttConfig rates(double perSecond, int burst) {
        return config(MqttConfig.class, Map.of("deviceRatePerSecond", perSecond, "deviceRateBurst", burst,
                "retryInitialBackoff", Duration.ofMillis(20), "retryMaxBackoff", Duration.ofMillis(40)));
    }

    /** The handler again, allowing each device one message and no more for a long while. */
    private void oneMessagePerDevice() {
        handler.close();
        handler.config = rates(0.001, 1);
        handler.init();
    }

    @AfterEach
    void close() {
        handler.close();
    }

    @Test
    void givenQueueAndDatabaseDown_whenMessageArrives_thenNotAcknowledgedUntilOneTakesIt() {
        answers.add(CompletableFuture.failedFuture(ProblemException.unavailable("both down", 5)));
        answers.add(CompletableFuture.failedFuture(ProblemException.unavailable("both down", 5)));
        answers.add(CompletableFuture.completedFuture(queued()));

        handler.handle(message("dusun_pub", "{}"));

        await().atMost(Duration.ofSeconds(5)).until(() -> acks.get() == 1);
        assertThat(answers).isEmpty();
        assertThat(stats.view(handler.config, "c").retries()).isEqualTo(2);
        assertThat(stats.view(handler.config, "c").queued()).isEqualTo(1);
        assertThat(stats.unacknowledgedCount()).isZero();
    }

    @Test
    void givenADeviceAtItsRate_whenItsMessageIsRetriedThroughAnOutage_thenTheRetriesTakeNoFurtherRate() {
        // One message a device may send, and no more for a long while: a retry must not count as another.
        oneMessagePerDevice();
        answers.add(CompletableFuture.failedFuture(ProblemException.unavailable("both down", 5)));
        answers.add(CompletableFuture.failedFuture(ProblemException.unavailable("both down", 5)));
        answers.add(CompletableFuture.completedFuture(queued()));

        handler.handle(message("dusun_pub", "{}"));

        await().atMost(Duration.ofSeconds(5)).until(() -> acks.get() == 1);
        assertThat(rejectedReasons).isEmpty();
        assertThat(stats.view(handler.config, "c").queued()).isEqualTo(1);
    }

    @Test
    void givenAMessageOverItsDeviceRate_whenItsSetAsideFailsOnce_thenItIsStillRefusedNeverQueued() {
        oneMessagePerDevice();
        answers.add(CompletableFuture.completedFuture(queued()));
        rejectAnswers.add(CompletableFuture.failedFuture(new IllegalStateException("rejects topic away")));
        rejectAnswers.add(CompletableFuture.completedFuture(null));

        handler.handle(message("dusun_pub", "{}"));
        handler.handle(message("dusun_pub", "{}"));

        await().atMost(Duration.ofSeconds(5)).until(() -> acks.get() == 2);
        assertThat(answers).isEmpty();
        assertThat(rejectedReasons).hasSize(2).allSatisfy(r -> assertThat(r).contains("RATE_LIMITED"));
        assertThat(stats.view(handler.config, "c").queued()).isEqualTo(1);
    }

    @Test
    void givenQueueDown_whenStoredSynchronously_thenAcknowledged() {
        answers.add(CompletableFuture.completedFuture(new IngestResult("i-1", "stored", 1, 1, null, "t", List.of(),
                null)));

        handler.handle(message("dusun_pub", "{}"));

        assertThat(acks.get()).isEqualTo(1);
        assertThat(stats.view(handler.config, "c").stored()).isEqualTo(1);
    }

    @Test
    void givenInvalidMessage_whenRejectsTopicAcknowledges_thenAcknowledgedWithTheReason() {
        invalid = ProblemException.invalid(List.of(new FieldProblem("blood_pressure.systolic",
                "must be between 20 and 300 mm[Hg]")));
        rejectAnswers.add(CompletableFuture.completedFuture(null));

        handler.handle(message("dusun_pub", "{}"));

        assertThat(acks.get()).isEqualTo(1);
        assertThat(rejectedReasons).containsExactly(
                "VALIDATE VALIDATION_ERROR: blood_pressure.systolic: must be between 20 and 300 mm[Hg]");
        assertThat(stats.view(handler.config, "c").rejectedByReason()).containsEntry("VALIDATION_ERROR", 1L);
    }

    @Test
    void givenInvalidMessage_whenRejectsTopicUnavailable_thenNotAcknowledgedUntilItIsKept() {
        invalid = ProblemException.malformedJson("the body is not valid JSON");
        rejectAnswers.add(CompletableFuture.failedFuture(new IllegalStateException("kafka down")));
        rejectAnswers.add(CompletableFuture.completedFuture(null));

        handler.handle(message("dusun_pub", "{"));

        assertThat(acks.get()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> acks.get() == 1);
        assertThat(rejectedReasons).hasSize(2);
    }

    @Test
    void givenMessageWithARefusedItem_whenItsValidItemsAreQueued_thenTheRefusedItemIsSetAsideBeforeTheAck() {
        answers.add(CompletableFuture.completedFuture(new IngestResult("i-1", "queued", 1, 2, "fhir.readings", "t",
                null, null, List.of(new IngestResult.RefusedItem("data.value.device_list[1]", List.of(
                        new IngestResult.Error("VALIDATION_ERROR", "data.value.device_list[1].bp_high",
                                "is outside the possible range 20..300 mm[Hg]")))))));
        CompletableFuture<Void> kept = new CompletableFuture<>();
        rejectAnswers.add(kept);

        handler.handle(message("dusun_pub", "{}"));

        assertThat(acks.get()).as("not acknowledged before the refused item is kept").isZero();
        kept.complete(null);
        assertThat(acks.get()).isEqualTo(1);
        assertThat(rejectedReasons).containsExactly("VALIDATE ITEMS_REFUSED: data.value.device_list[1] "
                + "(data.value.device_list[1].bp_high: is outside the possible range 20..300 mm[Hg])");
        assertThat(stats.view(handler.config, "c").queued()).isEqualTo(1);
    }

    @Test
    void givenUnknownTopicOrOversizedMessage_whenReceived_thenSetAsideWithoutParsing() {
        rejectAnswers.add(CompletableFuture.completedFuture(null));
        rejectAnswers.add(CompletableFuture.completedFuture(null));

        handler.handle(message("some/topic", "{}"));
        handler.handle(message("dusun_pub", "x".repeat(1_001)));

        assertThat(acks.get()).isEqualTo(2);
        assertThat(rejectedReasons).containsExactly("RECEIVE UNKNOWN_TOPIC: topic: no device family publishes on "
                + "this topic", "RECEIVE TOO_LARGE: $: the message is larger than 1000 bytes");
    }

    private MqttMessage message(String topic, String payload) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        return new MqttMessage(stats.received(topic, bytes), topic, bytes, "ava4", Instant.now(),
                acks::incrementAndGet, 0, Context.root());
    }

    private static IngestResult queued() {
        return new IngestResult("i-1", "queued", 1, 1, "fhir.readings", "t", null, null);
    }

    /** A config interface answering {@code values} by method name (the rest: defaults the handler never reads). */
    @SuppressWarnings("unchecked")
    private static <T> T config(Class<T> type, Map<String, Object> values) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (values.containsKey(method.getName())) {
                return values.get(method.getName());
            }
            return switch (method.getName()) {
                case "rejectsTopic" -> "rejects";
                case "enabled" -> true;
                case "host" -> "localhost";
                case "port" -> 1883;
                case "shareGroup" -> "g";
                case "toString" -> type.getSimpleName();
                default -> null;
            };
        });
    }
}
