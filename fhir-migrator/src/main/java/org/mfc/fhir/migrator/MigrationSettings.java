package org.mfc.fhir.migrator;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What every migration job needs, independent of Quarkus (tests build it directly; the command line builds it from
 * {@link MigrationConfig}).
 *
 * @param batchSize        history entries (or registry documents) per write and checkpoint
 * @param maxRejectShare   a run exits non-zero when rejected entries exceed this share of all entries
 * @param progressInterval how often a long run logs a progress line
 * @param threads          threads that map readings to FHIR JSON (the CPU-heavy part)
 * @param expectedRate     entries/s used by {@code analyze} to estimate the duration of {@code convert}
 * @param writers          batches written at once, each on its own connection (checkpoints stay in source order)
 */
public record MigrationSettings(String mainDb, String fhirDb, int batchSize, Path reportDir, double maxRejectShare,
        Duration progressInterval, int threads, int expectedRate, int writers) {

    public MigrationSettings {
        if (batchSize < 1) {
            throw new Invalid("batch size (MIGRATION_BATCH_SIZE, --batch-size) must be at least 1");
        }
        if (!(maxRejectShare >= 0 && maxRejectShare <= 1)) {
            throw new Invalid("the reject share (MIGRATION_MAX_REJECT_SHARE, --max-reject-share) must be from 0 to 1");
        }
        threads = Math.max(1, threads);
        writers = Math.max(1, writers);
    }

    public MigrationSettings withMaxRejectShare(double share) {
        return new MigrationSettings(mainDb, fhirDb, batchSize, reportDir, share, progressInterval, threads,
                expectedRate, writers);
    }

    public MigrationSettings withBatchSize(int size) {
        return new MigrationSettings(mainDb, fhirDb, size, reportDir, maxRejectShare, progressInterval, threads,
                expectedRate, writers);
    }

    /** A setting out of its range, from an option or the environment: a usage error (exit 2), nothing written. */
    public static final class Invalid extends IllegalArgumentException {

        Invalid(String message) {
            super(message);
        }
    }
}
