package org.mfc.fhir.migrator;

import java.time.Clock;
import java.util.concurrent.Callable;

import org.mfc.fhir.core.messaging.Topics;

import com.mongodb.client.MongoClient;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The migrator's command line: one job, four operations ({@code analyze}, {@code move-fhir}, {@code convert},
 * {@code verify}) plus {@code rederive} (what an older mapping version stored, mapped again) and {@code rollback}.
 * Synthetic test data is not made here (pipeline-bench, {@code scripts/generate-legacy.sh}): this image runs against
 * production. Exit codes: 0 done, 1 verification or integrity failure, 2 usage error, 3 rejects above
 * {@code --max-reject-share}.
 */
@Command(name = "fhir-migrator", mixinStandardHelpOptions = true,
        description = "Migrates the legacy AMY database to the FHIR R5 database. With no subcommand and "
                + "AUTO_START_MIGRATION=true: move-fhir (no drop), convert, verify.",
        subcommands = {MigratorCommand.Analyze.class, MigratorCommand.MoveFhir.class, MigratorCommand.Convert.class,
            MigratorCommand.Verify.class, MigratorCommand.Rederive.class, MigratorCommand.Rollback.class})
public final class MigratorCommand implements Callable<Integer> {

    /** What the subcommands share: the Mongo client and the settings. */
    public interface Env {
        MongoClient client();

        MigrationSettings settings();

        boolean autoStart();

        /** Where {@code rederive} finds the readings topic; without a broker it re-derives from the legacy history. */
        default RederiveJob.Settings rederive() {
            return new RederiveJob.Settings(null, Topics.READINGS, "fhir-rederive", true,
                    org.mfc.fhir.core.parse.DeviceTimeRule.DEFAULT_MAX_AHEAD);
        }
    }

    /** Creates subcommands with the environment; anything else the default way. */
    public static CommandLine commandLine(Env env) {
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                if (Base.class.isAssignableFrom(cls)) {
                    K k = cls.getDeclaredConstructor().newInstance();
                    ((Base) k).env = env;
                    return k;
                }
                return defaults.create(cls);
            }
        };
        CommandLine cl = new CommandLine(new MigratorCommand(env), factory);
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            if (ex instanceof MigrationSettings.Invalid invalid) {
                // A setting from the environment out of its range: the same usage error as the option's.
                line.getErr().println("fhir-migrator: " + invalid.getMessage());
                return 2;
            }
            line.getErr().println("fhir-migrator failed: " + ex);
            return 1;
        });
        return cl;
    }

    private final Env env;

    MigratorCommand(Env env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        if (!env.autoStart()) {
            CommandLine.usage(this, System.out);
            return 2;
        }
        Clock clock = Clock.systemUTC();
        MigrationSettings s = env.settings();
        requireLegacyDatabase(env, s);
        RunReport move = new MoveFhirJob(env.client(), s, clock).run(false);
        move.printSummary(System.out);
        RunReport convert = new ConvertJob(env.client(), s, clock).run(false);
        convert.printSummary(System.out);
        RunReport verify = new VerifyJob(env.client(), s, clock).run(Verify.DEFAULT_SAMPLE_EVERY);
        verify.printSummary(System.out);
        for (RunReport r : new RunReport[] {move, convert, verify}) {
            if (r.exitCode() != 0) {
                return r.exitCode();
            }
        }
        return 0;
    }

    /**
     * The main database must be a legacy one (it has {@code patients}): a mistyped {@code MONGODB_MAIN_DB} (names are
     * case-sensitive) otherwise reads as an empty legacy database, converts nothing and exits 0. A usage error (2).
     */
    static void requireLegacyDatabase(Env env, MigrationSettings s) {
        boolean legacy = env.client().getDatabase(s.mainDb()).listCollectionNames()
                .into(new java.util.ArrayList<>()).contains(org.mfc.fhir.core.legacy.LegacyNames.PATIENTS);
        if (!legacy) {
            throw new MigrationSettings.Invalid("MONGODB_MAIN_DB=" + s.mainDb() + " has no "
                    + org.mfc.fhir.core.legacy.LegacyNames.PATIENTS + " collection: not a legacy database (a "
                    + "mistyped name? names are case-sensitive); nothing was read or written");
        }
    }

    abstract static class Base implements Callable<Integer> {
        Env env;

        @Spec
        CommandSpec spec;

        @Option(names = "--batch-size", description = "Entries per write and checkpoint (default MIGRATION_BATCH_SIZE).")
        Integer batchSize;

        @Option(names = "--max-reject-share",
                description = "Exit 3 when rejected entries exceed this share of all entries (default 0.05).")
        Double maxRejectShare;

        /**
         * The options as values the jobs can use, or a usage error (exit 2) before anything is read or written: a
         * share of 5 made the reject limit unreachable, and a batch size of 0 failed only once the job had started.
         */
        MigrationSettings settings() {
            if (batchSize != null && batchSize < 1) {
                throw usage("--batch-size must be at least 1");
            }
            if (maxRejectShare != null && !(maxRejectShare >= 0 && maxRejectShare <= 1)) {
                throw usage("--max-reject-share must be a share from 0 to 1 (0.05 is 5 %)");
            }
            MigrationSettings s = env.settings();
            if (readsLegacy()) {
                requireLegacyDatabase(env, s);
            }
            if (batchSize != null) {
                s = s.withBatchSize(batchSize);
            }
            if (maxRejectShare != null) {
                s = s.withMaxRejectShare(maxRejectShare);
            }
            return s;
        }

        /** Whether the job reads the legacy registry and histories (move-fhir and rollback do not). */
        boolean readsLegacy() {
            return true;
        }

        ParameterException usage(String message) {
            return new ParameterException(spec.commandLine(), message);
        }

        static int finish(RunReport report) {
            report.printSummary(System.out);
            return report.exitCode();
        }
    }

    @Command(name = "analyze", mixinStandardHelpOptions = true,
            description = "Dry run: counts, convertible or not (with reasons), what exists, estimated duration. "
                    + "Writes nothing to either database.")
    static final class Analyze extends Base {
        @Override
        public Integer call() {
            return finish(new AnalyzeJob(env.client(), settings(), Clock.systemUTC()).run());
        }
    }

    @Command(name = "move-fhir", mixinStandardHelpOptions = true,
            description = "Phase 0: copy the old FHIR collections of the main db into the FHIR db, index, verify "
                    + "count and checksum; drop the source only with --drop-source and only when verified.")
    static final class MoveFhir extends Base {
        @Option(names = "--drop-source", description = "Drop each source collection once its copy is verified.")
        boolean dropSource;

        @Override
        boolean readsLegacy() {
            return false;
        }

        @Override
        public Integer call() {
            return finish(new MoveFhirJob(env.client(), settings(), Clock.systemUTC()).run(dropSource));
        }
    }

    @Command(name = "convert", mixinStandardHelpOptions = true,
            description = "Registry and every history entry to FHIR R5; resumable (checkpoints), repeatable.")
    static final class Convert extends Base {
        @Option(names = "--restart", description = "Ignore checkpoints and scan everything again (inserts nothing twice).")
        boolean restart;

        @Override
        public Integer call() {
            return finish(new ConvertJob(env.client(), settings(), Clock.systemUTC()).run(restart));
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Source against target per kind, plus field-level checks on a sample. Writes nothing.")
    static final class Verify extends Base {
        static final int DEFAULT_SAMPLE_EVERY = 50;

        @Option(names = "--sample-every", description = "Compare the fields of every n-th Observation (default 50).")
        int sampleEvery = DEFAULT_SAMPLE_EVERY;

        @Override
        public Integer call() {
            if (sampleEvery < 1) {
                throw usage("--sample-every must be at least 1");
            }
            return finish(new VerifyJob(env.client(), settings(), Clock.systemUTC()).run(sampleEvery));
        }
    }

    @Command(name = "rederive", mixinStandardHelpOptions = true,
            description = "Map again what an older mapping version stored: the legacy history, the messages still "
                    + "on the readings topic, and live readings no longer on it (from their legacy entries). "
                    + "Superseded Observations are kept marked is_deleted; legacy entries are corrected in place. "
                    + "Resumable and repeatable.")
    static final class Rederive extends Base {
        @Option(names = "--restart", description = "Forget checkpoints and the topic position; do everything again.")
        boolean restart;

        @Option(names = "--skip-topic", description = "Do not read the readings topic (no broker reachable).")
        boolean skipTopic;

        @Override
        public Integer call() {
            return finish(new RederiveJob(env.client(), settings(), env.rederive(), Clock.systemUTC())
                    .run(restart, skipTopic));
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Remove what convert (--convert) and/or move-fhir (--move) added to the FHIR db.")
    static final class Rollback extends Base {
        @Option(names = "--convert", description = "Remove resources written by convert, its checkpoints and rejects.")
        boolean convert;

        @Option(names = "--move", description = "Remove the copies made by move-fhir (refused if a source was dropped).")
        boolean move;

        @Option(names = "--yes", description = "Required: confirms the deletion.")
        boolean yes;

        @Override
        boolean readsLegacy() {
            return false;
        }

        @Override
        public Integer call() {
            if (!yes || (!convert && !move)) {
                System.err.println("rollback needs --convert and/or --move, and --yes");
                return 2;
            }
            return finish(new RollbackJob(env.client(), settings(), Clock.systemUTC()).run(convert, move));
        }
    }
}
