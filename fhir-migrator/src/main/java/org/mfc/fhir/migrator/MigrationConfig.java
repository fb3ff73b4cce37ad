package org.mfc.fhir.migrator;

import java.nio.file.Path;
import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;

/**
 * The migrator's settings. Operator-facing environment variables are mapped to these keys in
 * {@code application.properties}, the one index of every knob.
 */
@ConfigMapping(prefix = "migration")
public interface MigrationConfig {

    /** Legacy application database ({@code MONGODB_MAIN_DB}). */
    @WithName("main-db")
    String mainDb();

    /** Dedicated FHIR database ({@code MONGODB_FHIR_DB}). */
    @WithName("fhir-db")
    String fhirDb();

    /**
     * History entries or registry documents per write and checkpoint ({@code MIGRATION_BATCH_SIZE}). Chosen for a real
     * MongoDB (docs/decisions.md, "The migrator's defaults come from a real MongoDB"): a batch of 500 is one insert
     * command of one or two MiB, far below the 48 MB message and 100,000-operation limits, and spreads the batch's few
     * majority-acknowledged round trips over hundreds of documents, while each command stays short enough not to
     * hold up the live pipeline's writes on the same primary; the job holds {@code writers + 1} batches, and a resumed
     * run redoes at most that much.
     */
    @WithName("batch-size")
    int batchSize();

    /**
     * With no subcommand: when true, run {@code move-fhir} (copy and verify, never dropping the source), then
     * {@code convert}, then {@code verify}, and exit with the first non-zero exit code; when false, print the usage
     * and exit 2 ({@code AUTO_START_MIGRATION}).
     */
    @WithName("auto-start")
    boolean autoStart();

    /** Directory of the JSON reports ({@code MIGRATION_REPORT_DIR}). */
    @WithName("report-dir")
    Path reportDir();

    /** Default of {@code --max-reject-share}: exit non-zero when rejected entries exceed this share. */
    @WithName("max-reject-share")
    double maxRejectShare();

    /** Interval of the progress line on long runs ({@code MIGRATION_PROGRESS_INTERVAL}). */
    @WithName("progress-interval")
    Duration progressInterval();

    /** Threads mapping readings to FHIR JSON; 0 = the number of available processors ({@code MIGRATION_THREADS}). */
    @WithName("threads")
    int threads();

    /**
     * Entries/s that {@code analyze} assumes for {@code convert} when it estimates the duration
     * ({@code MIGRATION_EXPECTED_RATE}). The default is a planning figure for the shipped job (one CPU, two writers,
     * majority write concern): below the migrator's own CPU bound of about 18,000 to 24,000 entries per CPU-second and
     * above what a majority acknowledgement across zones allows (docs/decisions.md). Set it from
     * {@code scripts/bench-migrator.sh} against the real deployment.
     */
    @WithName("expected-rate")
    int expectedRate();

    /**
     * Batches written at once, each on its own connection ({@code MIGRATION_WRITERS}); checkpoints still follow the
     * source order. Two hide one batch's majority acknowledgement behind the other's writes; WiredTiger would accept
     * many more concurrent writers, but with one CPU the mapping, not the database, is the bound, and more writers
     * would only load the primary the live pipeline shares.
     */
    @WithName("writers")
    int writers();

    /** The readings topic ({@code FHIR_QUEUE_NAME}). */
    @WithName("readings-topic")
    String readingsTopic();

    /**
     * Consumer group of {@code rederive}'s topic pass ({@code MIGRATION_REDERIVE_GROUP}): its committed offsets are
     * where an interrupted run resumes.
     */
    @WithName("rederive-group")
    String rederiveGroup();

    /** Whether the live pipeline writes the legacy history ({@code ENABLE_LEGACY_ROUTING}): rederive follows it. */
    @WithName("legacy-routing")
    boolean legacyRouting();

    /** The live pipeline's allowed device clock skew ({@code DEVICE_CLOCK_MAX_AHEAD}), applied when re-deriving. */
    @WithName("device-clock-max-ahead")
    Duration deviceClockMaxAhead();

    default MigrationSettings settings() {
        int t = threads() > 0 ? threads() : Runtime.getRuntime().availableProcessors();
        return new MigrationSettings(mainDb(), fhirDb(), batchSize(), reportDir(), maxRejectShare(),
                progressInterval(), t, expectedRate(), writers());
    }
}
