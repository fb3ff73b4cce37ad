package org.mfc.fhir.migrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mfc.fhir.core.legacy.EntryProblem;
import org.mfc.fhir.core.testing.LegacyDataGenerator;

/** The whole job against a generated legacy database with every quirk planted. */
class GeneratedDatabaseConvertTest {

    private static MigrationDatabases dbs;
    private static LegacyDataGenerator.Manifest manifest;
    private static final String MAIN = "AMY_GEN";

    @TempDir
    Path reports;

    @BeforeAll
    static void generate() {
        dbs = new MigrationDatabases();
        manifest = new LegacyDataGenerator(dbs.db(MAIN), 7, 8, 60).generate();
    }

    @AfterAll
    static void stop() {
        dbs.close();
    }

    @Test
    void givenGeneratedDatabase_whenAnalyzed_thenNeitherDatabaseChangesAndRejectsMatchTheManifest() {
        String fhirDb = "FHIR_ANALYZE";
        Map<String, List<Document>> mainBefore = dbs.snapshot(MAIN);
        Map<String, List<Document>> fhirBefore = dbs.snapshot(fhirDb);

        RunReport report = new AnalyzeJob(dbs.client, MigrationDatabases.settings(MAIN, fhirDb, reports, 300),
                Clock.systemUTC()).run();

        assertThat(dbs.snapshot(MAIN)).isEqualTo(mainBefore);
        assertThat(dbs.snapshot(fhirDb)).isEqualTo(fhirBefore);
        assertThat(report.total().entries).isEqualTo(manifest.historyEntries());
        assertThat(report.total().rejectCount()).isEqualTo(manifest.rejects().size());
        assertThat(report.file()).exists();
    }

    @Test
    void givenGeneratedDatabase_whenConverted_thenTheRejectLogListsExactlyThePlantedBadEntries() {
        String fhirDb = "FHIR_REJECTS";
        RunReport report = new ConvertJob(dbs.client, MigrationDatabases.settings(MAIN, fhirDb, reports, 250),
                Clock.systemUTC()).run(false);

        RejectLog log = new RejectLog(dbs.db(fhirDb));
        assertThat(problems(log.all("reject"))).containsExactlyInAnyOrderElementsOf(manifest.rejects());
        assertThat(problems(log.all("warning"))).containsExactlyInAnyOrderElementsOf(manifest.warnings());
        assertThat(manifest.rejects()).extracting(EntryProblem::reason).contains("bucket-without-patient",
                "unknown-patient", "missing-time", "implausible-time", "not-a-number", "missing-value",
                "out-of-range", "ambiguous-glucose-marker", "malformed-sleep", "malformed-day");
        assertThat(manifest.warnings()).extracting(EntryProblem::reason).contains("implausible-value",
                "sleep-count-mismatch", "unusable-identifier");
        assertThat(report.total().entries).isEqualTo(manifest.historyEntries());
        assertThat(report.total().rejectedEntries).isEqualTo(manifest.rejects().size());
        assertThat(report.details().getString("rejects_collection")).as("the report says where the full list is")
                .isEqualTo(fhirDb + "." + RejectLog.COLLECTION);
        java.io.ByteArrayOutputStream summary = new java.io.ByteArrayOutputStream();
        report.printSummary(new java.io.PrintStream(summary, true, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(summary.toString(java.nio.charset.StandardCharsets.UTF_8))
                .contains("collection " + fhirDb + "." + RejectLog.COLLECTION);
    }

    @Test
    void givenCompletedConversion_whenRunAgainOrRestarted_thenTheFhirDatabaseIsUnchanged() {
        String fhirDb = "FHIR_RERUN";
        MigrationSettings settings = MigrationDatabases.settings(MAIN, fhirDb, reports, 400);
        RunReport first = new ConvertJob(dbs.client, settings, Clock.systemUTC()).run(false);
        Map<String, List<Document>> after = resources(fhirDb);

        RunReport again = new ConvertJob(dbs.client, settings, Clock.systemUTC()).run(false);
        RunReport restarted = new ConvertJob(dbs.client, settings, Clock.systemUTC()).run(true);

        assertThat(first.total().inserted).isPositive();
        assertThat(resources(fhirDb)).isEqualTo(after);
        assertThat(restarted.total().inserted).isZero();
        assertThat(again.total().readingsByKind).isEqualTo(first.total().readingsByKind);
    }

    @Test
    void givenConvertedDatabase_whenVerified_thenEveryConvertibleEntryHasItsObservation() {
        String fhirDb = "FHIR_VERIFY";
        MigrationSettings settings = MigrationDatabases.settings(MAIN, fhirDb, reports, 500);
        new ConvertJob(dbs.client, settings, Clock.systemUTC()).run(false);

        RunReport verify = new VerifyJob(dbs.client, settings, Clock.systemUTC()).run(1);

        assertThat(verify.failures()).isEmpty();
        Document sample = verify.details().get("sample", Document.class);
        assertThat(sample.get("compared", Number.class).longValue()).isPositive();
        assertThat(sample.get("mismatches", Number.class).longValue()).isZero();
    }

    @Test
    void givenOneObservationDeletedAndOneSoftDeleted_whenVerified_thenBothMissingAndNamedWithTheirSource() {
        String fhirDb = "FHIR_VERIFY_GAPS";
        MigrationSettings settings = MigrationDatabases.settings(MAIN, fhirDb, reports, 500);
        new ConvertJob(dbs.client, settings, Clock.systemUTC()).run(false);
        var observations = dbs.db(fhirDb).getCollection("fhir_observations");
        List<Document> two = observations.find(com.mongodb.client.model.Filters.eq("source_system",
                ConvertJob.SOURCE_SYSTEM)).limit(2).into(new java.util.ArrayList<>());
        observations.deleteOne(new Document("_id", two.get(0).get("_id")));
        // What the read API never serves is missing, whatever the document says.
        observations.updateOne(new Document("_id", two.get(1).get("_id")), new Document("$set",
                new Document("is_deleted", true)));

        RunReport verify = new VerifyJob(dbs.client, settings, Clock.systemUTC()).run(50);

        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.failures()).anyMatch(f -> f.startsWith("2 Observations of convertible entries are missing"));
        assertThat(verify.details().getList("missing_examples", String.class)).hasSize(2)
                .anyMatch(e -> e.startsWith("Observation/" + two.get(0).get("_id") + " from "))
                .anyMatch(e -> e.startsWith("Observation/" + two.get(1).get("_id") + " from "))
                .allMatch(e -> e.matches(".* from [a-z_]+_histories/[0-9a-f]{24}/[0-9]+"));
    }

    @Test
    void givenUnconvertedDatabase_whenVerified_thenMissingObservationsFailTheRun() {
        RunReport verify = new VerifyJob(dbs.client, MigrationDatabases.settings(MAIN, "FHIR_EMPTY", reports, 500),
                Clock.systemUTC()).run(1);

        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.failures()).anyMatch(f -> f.contains("Observations of convertible entries are missing"));
    }

    /** The FHIR resource collections (not the job's own bookkeeping), without the run-time stamps. */
    private static Map<String, List<Document>> resources(String fhirDb) {
        Map<String, List<Document>> snap = dbs.snapshot(fhirDb);
        snap.keySet().removeIf(c -> !c.startsWith("fhir_"));
        return snap;
    }

    private static List<EntryProblem> problems(Iterable<Document> docs) {
        List<EntryProblem> out = new ArrayList<>();
        docs.forEach(d -> out.add(RejectLog.fromDocument(d)));
        return out;
    }
}
