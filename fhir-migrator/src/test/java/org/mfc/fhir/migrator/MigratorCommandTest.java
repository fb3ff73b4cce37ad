package org.mfc.fhir.migrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mfc.fhir.core.testing.LegacyDataGenerator;

import com.mongodb.client.MongoClient;

/** The command line as operators use it: subcommands, options, exit codes. */
class MigratorCommandTest {

    @TempDir
    Path reports;

    private MigrationDatabases dbs;

    @BeforeEach
    void start() {
        dbs = new MigrationDatabases();
    }

    @AfterEach
    void stop() {
        dbs.close();
    }

    private int run(boolean autoStart, String... args) {
        MigrationSettings settings = MigrationDatabases.settings("AMY_CLI", "FHIR_CLI", reports, 200);
        return run(() -> settings, autoStart, args);
    }

    private int run(java.util.function.Supplier<MigrationSettings> settings, boolean autoStart, String... args) {
        return MigratorCommand.commandLine(new MigratorCommand.Env() {
            @Override
            public MongoClient client() {
                return dbs.client;
            }

            @Override
            public MigrationSettings settings() {
                return settings.get();
            }

            @Override
            public boolean autoStart() {
                return autoStart;
            }
        }).execute(args);
    }

    @Test
    void givenNoSubcommandAndNoAutoStart_whenRun_thenUsageAndExitTwo() {
        assertThat(run(false)).isEqualTo(2);
    }

    @Test
    void givenRollbackWithoutConfirmation_whenRun_thenRefusedWithExitTwo() {
        assertThat(run(false, "rollback", "--convert")).isEqualTo(2);
    }

    @Test
    void givenAnOptionOutOfItsRange_whenRun_thenUsageErrorExitTwoAndNothingWritten() {
        new LegacyDataGenerator(dbs.db("AMY_CLI"), 2, 2, 100).generate();

        assertThat(run(false, "convert", "--max-reject-share", "5")).isEqualTo(2);
        assertThat(run(false, "convert", "--max-reject-share", "-0.1")).isEqualTo(2);
        assertThat(run(false, "convert", "--max-reject-share", "NaN")).isEqualTo(2);
        assertThat(run(false, "convert", "--batch-size", "0")).isEqualTo(2);
        assertThat(run(false, "verify", "--sample-every", "0")).isEqualTo(2);
        assertThat(run(false, "verify", "--sample-every", "-3")).isEqualTo(2);
        assertThat(dbs.db("FHIR_CLI").listCollectionNames().into(new java.util.ArrayList<>())).isEmpty();
    }

    @Test
    void givenASettingOutOfItsRangeFromTheEnvironment_whenRun_thenUsageErrorExitTwoAndNothingWritten() {
        new LegacyDataGenerator(dbs.db("AMY_CLI"), 2, 2, 100).generate();
        MigrationSettings good = MigrationDatabases.settings("AMY_CLI", "FHIR_CLI", reports, 200);

        // As MIGRATION_BATCH_SIZE=0 and MIGRATION_MAX_REJECT_SHARE=7 would give them.
        assertThat(run(() -> good.withBatchSize(0), false, "convert")).isEqualTo(2);
        assertThat(run(() -> good.withMaxRejectShare(7), false, "convert")).isEqualTo(2);
        assertThat(dbs.db("FHIR_CLI").listCollectionNames().into(new java.util.ArrayList<>())).isEmpty();
    }

    @Test
    void givenGeneratedData_whenConvertWithATinyRejectShare_thenExitThreeAndWithTheDefaultExitZero() {
        new LegacyDataGenerator(dbs.db("AMY_CLI"), 5, 4, 100).generate();

        assertThat(run(false, "convert", "--max-reject-share", "0.001")).isEqualTo(3);
        assertThat(run(false, "convert")).isZero();
    }

    @Test
    void givenAutoStartAndNoSubcommand_whenRun_thenMoveConvertAndVerifyRunAndSucceed() throws Exception {
        new LegacyDataGenerator(dbs.db("AMY_CLI"), 6, 4, 100).generate();

        assertThat(run(true)).isZero();

        try (var files = Files.list(reports)) {
            assertThat(files.map(p -> p.getFileName().toString().replaceAll("-\\d.*", "")))
                    .contains("move-fhir", "convert", "verify");
        }
        assertThat(dbs.db("FHIR_CLI").getCollection("fhir_observations").countDocuments()).isPositive();
        assertThat(dbs.db("AMY_CLI").getCollection("fhir_observations").countDocuments()).isPositive();
    }

    @Test
    void givenTheTestDataGenerator_whenAskedFor_thenNoSuchCommandInTheMigrator() {
        assertThat(run(false, "generate", "--patients", "1", "--entries-per-bucket", "1", "--replace")).isEqualTo(2);
    }

    @Test
    void givenAMistypedMainDatabase_whenConvertOrAnalyze_thenUsageErrorExitTwoAndNothingWritten() {
        new LegacyDataGenerator(dbs.db("AMY_CLI"), 2, 2, 100).generate();
        MigrationSettings typo = MigrationDatabases.settings("amy_cli", "FHIR_CLI", reports, 200);

        assertThat(run(() -> typo, false, "convert")).isEqualTo(2);
        assertThat(run(() -> typo, false, "analyze")).isEqualTo(2);
        assertThat(run(() -> typo, true)).isEqualTo(2);
        assertThat(dbs.db("FHIR_CLI").listCollectionNames().into(new java.util.ArrayList<>())).isEmpty();
    }

    @Test
    void givenCheckpointsOfAnotherSourceDatabase_whenConverted_thenThisSourceIsReadFromItsStart() {
        new LegacyDataGenerator(dbs.db("AMY_OTHER"), 11, 2, 7).generate();
        new LegacyDataGenerator(dbs.db("AMY_CLI"), 3, 2, 100).generate();
        MigrationSettings other = MigrationDatabases.settings("AMY_OTHER", "FHIR_CLI", reports, 200);
        assertThat(run(() -> other, false, "convert", "--max-reject-share", "1")).isIn(0, 3);
        long fromOther = dbs.db("FHIR_CLI").getCollection("fhir_observations").countDocuments();

        // Every collection is "done" for AMY_OTHER: that is not progress through AMY_CLI, and neither is a
        // checkpoint saved before checkpoints named their source.
        assertThat(dbs.db("FHIR_CLI").getCollection(Checkpoints.COLLECTION).countDocuments(
                new org.bson.Document(Checkpoints.SOURCE_DB, "AMY_OTHER"))).isPositive();
        dbs.db("FHIR_CLI").getCollection(Checkpoints.COLLECTION).updateMany(new org.bson.Document(),
                new org.bson.Document("$unset", new org.bson.Document(Checkpoints.SOURCE_DB, "")));
        assertThat(run(false, "convert", "--max-reject-share", "1")).isIn(0, 3);

        assertThat(dbs.db("FHIR_CLI").getCollection("fhir_observations").countDocuments()).isGreaterThan(fromOther);
        assertThat(run(false, "verify", "--max-reject-share", "1")).isIn(0, 3);
    }
}
