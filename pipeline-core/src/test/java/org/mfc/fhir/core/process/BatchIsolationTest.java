package org.mfc.fhir.core.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.Stage;
import org.mfc.fhir.core.store.TransientStoreException;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoSocketReadTimeoutException;
import com.mongodb.ServerAddress;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.BulkWriteResult;

/** One message must not stop its batch; unavailability must not dead-letter a batch. */
class BatchIsolationTest {

    private static IngestRecord record(String name) {
        return new IngestRecord("ing-" + name, 0, DeviceFamily.KATI, "hb", "imei-1", "c",
                "2025-04-06T18:25:20Z", Json.mapper().createObjectNode().put("name", name));
    }

    private static List<IngestRecord> records(String... names) {
        List<IngestRecord> out = new ArrayList<>();
        for (String n : names) {
            out.add(record(n));
        }
        return out;
    }

    /** Stores every message, failing the whole call while it holds a message the predicate names. */
    private static BatchIsolation.Batch failingOn(java.util.function.Predicate<String> poison,
            java.util.function.Supplier<RuntimeException> failure, AtomicInteger calls) {
        return batch -> {
            calls.incrementAndGet();
            if (batch.stream().anyMatch(r -> poison.test(r.payload().path("name").asText()))) {
                throw failure.get();
            }
            List<RecordOutcome> outcomes = batch.stream().map(r -> new RecordOutcome(r, RecordOutcome.Status.STORED,
                    Stage.LEGACY, null, List.of())).toList();
            return new BatchResult(outcomes, batch.size(), Duration.ZERO, Duration.ZERO, Instant.now(), List.of(), 0);
        };
    }

    private static MongoBulkWriteException unknownWriteError() {
        return new MongoBulkWriteException(BulkWriteResult.unacknowledged(), List.of(new BulkWriteError(424242,
                "refused", new BsonDocument(), 0)), null, new ServerAddress(), Set.of());
    }

    @Test
    void givenOnePoisonInABatch_whenProcessed_thenItAloneIsRejectedWithItsStageAndTheRestStoredInOrder() {
        AtomicInteger calls = new AtomicInteger();
        List<IngestRecord> batch = records("a", "b", "poison", "d", "e", "f", "g");

        BatchResult result = BatchIsolation.process(batch, failingOn("poison"::equals,
                () -> new StageFailure(Stage.LEGACY, new IllegalArgumentException("hexString has 24 characters")),
                calls));

        assertThat(result.outcomes()).extracting(o -> o.record().payload().path("name").asText())
                .containsExactly("a", "b", "poison", "d", "e", "f", "g");
        assertThat(result.outcomes()).filteredOn(o -> o.status() == RecordOutcome.Status.REJECTED).singleElement()
                .satisfies(o -> {
                    assertThat(o.record().payload().path("name").asText()).isEqualTo("poison");
                    assertThat(o.stage()).isEqualTo(Stage.LEGACY);
                    assertThat(o.reason()).contains("LEGACY").contains("IllegalArgumentException")
                            .doesNotContain("hexString");
                });
        assertThat(result.newDocuments()).isEqualTo(6);
        // 7 records, one poison: the whole batch, then halves down to the poison (log2 steps), not 7 singles.
        assertThat(calls.get()).isLessThanOrEqualTo(1 + 2 * 3);
    }

    @Test
    void givenAnUnavailableDatabase_whenProcessed_thenTheBatchIsRetriedNotDeadLettered() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> BatchIsolation.process(records("a", "b", "c"), failingOn(n -> true,
                () -> new StageFailure(Stage.PERSIST, new MongoSocketReadTimeoutException("timed out",
                        new ServerAddress(), null)), calls))).isInstanceOf(TransientStoreException.class);
        assertThat(calls.get()).isEqualTo(1);
    }

    @Test
    void givenAnUnknownDatabaseErrorForEveryMessage_whenProcessed_thenTransientNotDeadLettered() {
        assertThatThrownBy(() -> BatchIsolation.process(records("a", "b", "c", "d"), failingOn(n -> true,
                () -> new StageFailure(Stage.PERSIST, unknownWriteError()), new AtomicInteger())))
                .isInstanceOf(TransientStoreException.class).hasMessageContaining("unknown kind");
        assertThatThrownBy(() -> BatchIsolation.process(records("only"), failingOn(n -> true,
                () -> new StageFailure(Stage.PERSIST, unknownWriteError()), new AtomicInteger())))
                .isInstanceOf(TransientStoreException.class);
    }

    @Test
    void givenAnUnknownDatabaseErrorForOneMessageOnly_whenProcessed_thenThatMessageIsRejected() {
        BatchResult result = BatchIsolation.process(records("a", "bad", "c"), failingOn("bad"::equals,
                () -> new StageFailure(Stage.PERSIST, unknownWriteError()), new AtomicInteger()));
        assertThat(result.outcomes()).extracting(RecordOutcome::status).containsExactly(
                RecordOutcome.Status.STORED, RecordOutcome.Status.REJECTED, RecordOutcome.Status.STORED);
        assertThat(result.outcomes().get(1).reason()).contains("PERSIST").contains("code 424242");
    }

    @Test
    void givenEveryMessageFailingInOurOwnCode_whenProcessed_thenEachIsRejectedAndNothingThrows() {
        BatchResult result = BatchIsolation.process(records("a", "b"), failingOn(n -> true,
                () -> new StageFailure(Stage.MAP, new NullPointerException()), new AtomicInteger()));
        assertThat(result.outcomes()).extracting(RecordOutcome::status).containsOnly(RecordOutcome.Status.REJECTED);
    }
}
