package org.mfc.fhir.migrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CheckpointedBatchesTest {

    private static MigrationDatabases dbs;

    @BeforeAll
    static void start() {
        dbs = new MigrationDatabases();
    }

    @AfterAll
    static void stop() {
        dbs.close();
    }

    private static Tally documents(int n) {
        Tally t = new Tally();
        t.documents = n;
        return t;
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void givenALaterBatchFinishingFirst_whenSubmitted_thenTheCheckpointWaitsForTheEarlierOne() {
        Checkpoints checkpoints = new Checkpoints(dbs.db("order_fhir"), "order");
        CountDownLatch releaseFirst = new CountDownLatch(1);
        CountDownLatch secondWritten = new CountDownLatch(1);
        try (CheckpointedBatches batches = new CheckpointedBatches(checkpoints, "convert", "c", null, new Tally(),
                2)) {
            batches.submit("b1", documents(10), () -> await(releaseFirst));
            batches.submit("b2", documents(5), secondWritten::countDown);
            await(secondWritten);
            // Checkpoints are saved only on the submitting thread (submit, finish), so none can appear while we
            // hold it: the second batch's completion alone must not have moved the checkpoint past the first.
            assertThat(checkpoints.load("convert", "c")).isNull();

            releaseFirst.countDown();
            Tally done = batches.finish();
            assertThat(done.documents).isEqualTo(15);
        }
        Document cp = checkpoints.load("convert", "c");
        assertThat(cp.get("last_id")).isEqualTo("b2");
        assertThat(cp.getBoolean("done")).isTrue();
    }

    @Test
    void givenAFailedBatch_whenLaterOnesSucceeded_thenTheCheckpointStopsBeforeIt() {
        Checkpoints checkpoints = new Checkpoints(dbs.db("failure_fhir"), "failure");
        try (CheckpointedBatches batches = new CheckpointedBatches(checkpoints, "convert", "c", "b0", new Tally(),
                2)) {
            assertThatThrownBy(() -> {
                batches.submit("b1", documents(10), () -> {
                });
                batches.submit("b2", documents(10), () -> {
                    throw new IllegalStateException("database away");
                });
                batches.submit("b3", documents(10), () -> {
                });
                batches.finish();
            }).hasMessage("database away");
        }
        Document cp = checkpoints.load("convert", "c");
        assertThat(cp.get("last_id")).isEqualTo("b1");
        assertThat(cp.getBoolean("done")).isFalse();
        assertThat(cp.get("counts", Document.class).get("documents")).isEqualTo(10L);
    }
}
