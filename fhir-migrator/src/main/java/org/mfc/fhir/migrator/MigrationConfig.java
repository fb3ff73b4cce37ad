package org.mfc.fhir.migrator;

import java.nio.file.Path;
import java.time.Duration;

import org.mfc.fhir.core.messaging.Topics;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * The migrator's settings. Operator-facing environment variables are mapped to these keys in
 * {@code application.properties}, the one index of every knob.
 */
@ConfigMapping(prefix = "migration")
public interface MigrationConfig {

    /** Legacy application database ({@code MONGODB_MAIN_DB}). */
    @WithName("main-db")
    @WithDefault("AMY")
    String mainDb();

    /** Dedicated FHIR database ({@code MONGODB_FHIR_DB}). */
    @WithName("fhir-db")
    @WithDefault("MFC_FHIR_R5")
    String fhirDb();

    /**
     * History entries or registry documents per write and checkpoint ({@code MIGRATION_BATCH_SIZE}). 500 converted a
     * million entries faster than 1,000 or 250 (scripts/bench-migrator.sh): a smaller batch's documents are still in
     * the CPU cache when written, and a resumed run redoes less.
     */
    @WithName("batch-size")
    @WithDefault("500")
    int batchSize();

    /**
     * With no subcommand: when true, run {@code move-fhir} (copy and verify, never dropping the source), then
     * {@code convert}, then {@code verify}, and exit with the first non-zero exit code; when false, print the usage
     * and exit 2 ({@code AUTO_START_MIGRATION}).
     */
    @WithName("auto-start")
    @WithDefault("false")
    boolean autoStart();

    /** Directory of the JSON reports ({@code MIGRATION_REPORT_DIR}). */
    @WithName("report-dir")
    @WithDefault("./migration-reports")
    Path reportDir();

    /** Default of {@code --max-reject-share}: exit non-zero when rejected entries exceed this share. */
    @WithName("max-reject-share")
    @WithDefault("0.05")
    double maxRejectShare();

    /** Interval of the progress line on long runs ({@code MIGRATION_PROGRESS_INTERVAL}). */
    @WithName("progress-interval")
    @WithDefault("5s")
    Duration progressInterval();

    /** Threads mapping readings to FHIR JSON; 0 = the number of available processors ({@code MIGRATION_THREADS}). */
    @WithName("threads")
    @WithDefault("0")
    int threads();

    /**
     * Entries/s that {@code analyze} assumes for {@code convert} when it estimates the duration
     * ({@code MIGRATION_EXPECTED_RATE}). The default is the order measured against the Mongo stand-in on a shared
     * 2-core machine (scripts/bench-migrator.sh); set it from a benchmark against the real deployment.
     */
    @WithName("expected-rate")
    @WithDefault("10000")
    int expectedRate();

    /**
     * Batches written at once, each on its own connection ({@code MIGRATION_WRITERS}); checkpoints still follow the
     * source order. More than one lets a database that inserts on several cores work while the next batch is mapped.
     */
    @WithName("writers")
    @WithDefault("2")
    int writers();

    /** The readings topic ({@code FHIR_QUEUE_NAME}). */
    @WithName("readings-topic")
    @WithDefault(Topics.READINGS)
    String readingsTopic();

    /**
     * Consumer group of {@code rederive}'s topic pass ({@code MIGRATION_REDERIVE_GROUP}): its committed offsets are
     * where an interrupted run resumes.
     */
    @WithName("rederive-group")
    @WithDefault("fhir-rederive")
    String rederiveGroup();

    /** Whether the live pipeline writes the legacy history ({@code ENABLE_LEGACY_ROUTING}): rederive follows it. */
    @WithName("legacy-routing")
    @WithDefault("true")
    boolean legacyRouting();

    /** The live pipeline's allowed device clock skew ({@code DEVICE_CLOCK_MAX_AHEAD}), applied when re-deriving. */
    @WithName("device-clock-max-ahead")
    @WithDefault("5m")
    Duration deviceClockMaxAhead();

    default MigrationSettings settings() {
        int t = threads() > 0 ? threads() : Runtime.getRuntime().availableProcessors();
        return new MigrationSettings(mainDb(), fhirDb(), batchSize(), reportDir(), maxRejectShare(),
                progressInterval(), t, expectedRate(), writers());
    }
}
