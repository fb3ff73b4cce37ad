package org.mfc.fhir.migrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.process.BatchResult;
import org.mfc.fhir.core.process.Pipeline;
import org.mfc.fhir.core.process.RecordOutcome;
import org.mfc.fhir.core.legacy.LegacyStore;
import org.mfc.fhir.core.testing.Fixtures;
import org.mfc.fhir.core.testing.LegacyRegistry;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;

/**
 * A reading stored by the live pipeline (FHIR resources plus the legacy entry it appends) and the same reading
 * converted from that legacy entry end up as ONE set of Observations: the migrator neither duplicates nor rewrites
 * what the live pipeline stored.
 */
class LiveAndMigratedReadingTest {

    private static final String MAIN = "AMY_LIVE";
    private static final String FHIR = "FHIR_LIVE";

    @TempDir
    Path reports;

    private MigrationDatabases dbs;
    private MongoDatabase main;
    private MongoDatabase fhir;

    @BeforeEach
    void storeLiveReading() {
        dbs = new MigrationDatabases();
        main = dbs.db(MAIN);
        fhir = dbs.db(FHIR);
        LegacyRegistry.seedBloodPressurePatient(main);
        Pipeline pipeline = new Pipeline(dbs.client, new Pipeline.Settings(MAIN, FHIR, true, Duration.ofMinutes(1),
                "fhir-parser-worker"), Clock.systemUTC());
        pipeline.start();
        IngestRecord record = new IngestRecord("ing-live-1", 0, DeviceFamily.AVA4, null, "box-08F9E0D1F7B4",
                "test-client", Instant.parse("2025-04-06T18:25:30Z").toString(),
                Fixtures.json("ava4/bp_biolight.json"));
        BatchResult result = pipeline.processor().process(List.of(record));
        assertThat(result.count(RecordOutcome.Status.STORED)).isOne();
    }

    @AfterEach
    void stop() {
        dbs.close();
    }

    private List<Document> observations() {
        return fhir.getCollection("fhir_observations").find().sort(new Document("_id", 1))
                .into(new java.util.ArrayList<>());
    }

    @Test
    void givenLiveStoredReading_whenItsLegacyEntryIsMigrated_thenOneObservationPerFactAndUnchanged() {
        List<Document> live = observations();
        assertThat(live).hasSize(2);
        Document entry = main.getCollection("blood_pressure_histories").find().first()
                .getList("data", Document.class).get(0);
        assertThat(entry.getString(LegacyStore.ENTRY_ID_FIELD)).isNotBlank();

        RunReport report = new ConvertJob(dbs.client, MigrationDatabases.settings(MAIN, FHIR, reports, 100),
                Clock.systemUTC()).run(false);

        assertThat(observations()).isEqualTo(live);
        assertThat(report.tally("blood_pressure_histories").live).isOne();
        assertThat(report.total().warnings).doesNotContainKey("live-observation-missing");
    }

    @Test
    void givenLivePatientWhoseRegistryEntryChanged_whenConvertedAndRolledBack_thenUpdatedAndStillTheLivePipelines() {
        String id = LegacyRegistry.BP_PATIENT.toHexString();
        Document live = fhir.getCollection("fhir_patients").find(Filters.eq("_id", id)).first();
        assertThat(live.getString("source_system")).isEqualTo("fhir-parser-worker");
        main.getCollection("patients").updateOne(Filters.eq("_id", LegacyRegistry.BP_PATIENT),
                Updates.set("last_name", "Renamed"));

        new ConvertJob(dbs.client, MigrationDatabases.settings(MAIN, FHIR, reports, 100), Clock.systemUTC())
                .run(false);
        Document converted = fhir.getCollection("fhir_patients").find(Filters.eq("_id", id)).first();
        assertThat(converted.get("content_hash")).as("the registry's change reached it")
                .isNotEqualTo(live.get("content_hash"));
        assertThat(converted.getString("source_system")).as("still the live pipeline's").isEqualTo(
                "fhir-parser-worker");

        new RollbackJob(dbs.client, MigrationDatabases.settings(MAIN, FHIR, reports, 100), Clock.systemUTC())
                .run(true, false);
        assertThat(fhir.getCollection("fhir_patients").countDocuments(Filters.eq("_id", id)))
                .as("a rollback of convert leaves what the live pipeline wrote").isOne();
        assertThat(fhir.getCollection("fhir_devices").countDocuments(Filters.eq("source_system",
                "fhir-parser-worker"))).isPositive();
    }

    @Test
    void givenTheSameReadingWithoutItsObservationId_whenMigrated_thenTheDeterministicIdFindsTheLiveObservation() {
        List<Document> live = observations();
        // As if the legacy application had stored the same measurement itself: no fhir_observation_id.
        main.getCollection("blood_pressure_histories").updateOne(Filters.exists("data.0"),
                Updates.unset("data.0." + LegacyStore.ENTRY_ID_FIELD));

        RunReport report = new ConvertJob(dbs.client, MigrationDatabases.settings(MAIN, FHIR, reports, 100),
                Clock.systemUTC()).run(false);

        assertThat(report.tally("blood_pressure_histories").readingsByKind).containsEntry("BLOOD_PRESSURE", 1L);
        assertThat(report.tally("blood_pressure_histories").inserted).isZero();
        assertThat(observations()).isEqualTo(live);
    }
}
