package org.mfc.fhir.migrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mfc.fhir.core.migrate.LegacyFhirDocuments;

import com.mongodb.client.MongoDatabase;

/** Phase 0: old FHIR collections of the main database, both shapes, moved with a verified count and checksum. */
class MoveFhirJobTest {

    private static final String MAIN = "AMY_MOVE";
    private static final String FHIR = "FHIR_MOVE";
    private static final ObjectId ENVELOPE_ID = new ObjectId("67a000000000000000000001");
    private static final ObjectId RAW_ID = new ObjectId("67a000000000000000000002");
    private static final ObjectId RAW_WITHOUT_ID = new ObjectId("67a000000000000000000003");

    @TempDir
    Path reports;

    private MigrationDatabases dbs;
    private MongoDatabase main;
    private MongoDatabase fhir;

    @BeforeEach
    void oldCollections() {
        dbs = new MigrationDatabases();
        main = dbs.db(MAIN);
        fhir = dbs.db(FHIR);
        Date at = new Date(1_700_000_000_000L);
        main.getCollection("fhir_observations").insertMany(List.of(
                new Document("_id", ENVELOPE_ID).append("resource_type", "Observation").append("resource_id", "obs-1")
                        .append("fhir_version", "5.0.0")
                        .append("resource_data", new Document("resourceType", "Observation").append("id", "obs-1"))
                        .append("patient_id", "p1").append("effective_datetime", at).append("is_deleted", false),
                new Document("_id", RAW_ID).append("resourceType", "Observation").append("id", "raw-1")
                        .append("status", "final").append("subject", new Document("reference", "Patient/p2"))
                        .append("code", new Document("coding", List.of(new Document("code", "2708-6"))))
                        .append("effectiveDateTime", "2023-11-14T22:13:20Z"),
                new Document("_id", RAW_WITHOUT_ID).append("resourceType", "Observation").append("status", "final")));
        main.getCollection("fhir_patients").insertOne(new Document("resource_type", "Patient")
                .append("resource_id", "old-p").append("resource_data", new Document("resourceType", "Patient")));
    }

    @AfterEach
    void stop() {
        dbs.close();
    }

    private MigrationSettings settings() {
        return MigrationDatabases.settings(MAIN, FHIR, reports, 2);
    }

    @Test
    void givenBothShapes_whenMoved_thenEnvelopesKeptAndRawWrappedWithResourceIdAndSourceKept() {
        RunReport report = new MoveFhirJob(dbs.client, settings(), Clock.systemUTC()).run(false);

        assertThat(report.exitCode()).isZero();
        Document envelope = fhir.getCollection("fhir_observations").find(new Document("_id", ENVELOPE_ID)).first();
        assertThat(envelope.getString("resource_id")).isEqualTo("obs-1");
        assertThat(envelope.get(LegacyFhirDocuments.MIGRATED_FROM, Document.class).get("_id")).isEqualTo(ENVELOPE_ID);
        Document raw = fhir.getCollection("fhir_observations").find(new Document("_id", "raw-1")).first();
        assertThat(raw.getString("resource_type")).isEqualTo("Observation");
        assertThat(raw.getString("patient_id")).isEqualTo("p2");
        assertThat(raw.getString("code")).isEqualTo("2708-6");
        assertThat(raw.get("resource_data", Document.class).getString("id")).isEqualTo("raw-1");
        assertThat(fhir.getCollection("fhir_observations")
                .countDocuments(new Document("_id", RAW_WITHOUT_ID.toHexString()))).isOne();
        Document verification = report.details().get("collections", Document.class)
                .get("fhir_observations", Document.class);
        assertThat(verification.getBoolean("verified")).isTrue();
        assertThat(verification.getString("source_checksum")).isEqualTo(verification.getString("target_checksum"));
        assertThat(main.getCollection("fhir_observations").countDocuments()).isEqualTo(3);
    }

    @Test
    void givenAMovedPatient_whenConvertMapsTheSameRegistryPatient_thenTheMovedRecordStaysAndStillVerifies() {
        String id = org.mfc.fhir.core.testing.LegacyRegistry.BP_PATIENT.toHexString();
        main.getCollection("fhir_patients").insertOne(new Document("_id", id).append("resource_type", "Patient")
                .append("resource_id", id).append("resource_data", new Document("resourceType", "Patient")
                        .append("id", id)));
        org.mfc.fhir.core.testing.LegacyRegistry.seedBloodPressurePatient(main);
        assertThat(new MoveFhirJob(dbs.client, settings(), Clock.systemUTC()).run(false).exitCode()).isZero();
        Document moved = fhir.getCollection("fhir_patients").find(new Document("_id", id)).first();
        assertThat(moved.get(LegacyFhirDocuments.MIGRATED_FROM)).isNotNull();

        new ConvertJob(dbs.client, settings(), Clock.systemUTC()).run(false);

        assertThat(fhir.getCollection("fhir_patients").find(new Document("_id", id)).first())
                .as("the old record is not replaced by the mapped one").isEqualTo(moved);
        assertThat(new MoveFhirJob(dbs.client, settings(), Clock.systemUTC()).run(false).exitCode())
                .as("so the move still verifies, and its source can be dropped").isZero();
    }

    @Test
    void givenVerifiedMove_whenDropSourceAndRunAgain_thenSourceDroppedAndTargetUnchanged() {
        new MoveFhirJob(dbs.client, settings(), Clock.systemUTC()).run(false);
        Map<String, List<Document>> target = dbs.snapshot(FHIR);
        target.remove(Checkpoints.COLLECTION);

        RunReport dropped = new MoveFhirJob(dbs.client, settings(), Clock.systemUTC()).run(true);

        assertThat(dropped.exitCode()).isZero();
        assertThat(dbs.db(MAIN).listCollectionNames().into(new java.util.ArrayList<>()))
                .doesNotContain("fhir_observations", "fhir_patients");
        Map<String, List<Document>> after = dbs.snapshot(FHIR);
        after.remove(Checkpoints.COLLECTION);
        assertThat(after).isEqualTo(target);
    }

    @Test
    void givenTargetHoldingDifferentContentUnderTheSameId_whenMovedWithDropSource_thenVerificationFailsAndSourceKept() {
        fhir.getCollection("fhir_observations").insertOne(new Document("_id", "raw-1").append("resource_type",
                "Observation").append("resource_data", new Document("resourceType", "Observation").append("id",
                "raw-1").append("status", "amended")));

        RunReport report = new MoveFhirJob(dbs.client, settings(), Clock.systemUTC()).run(true);

        assertThat(report.exitCode()).isEqualTo(1);
        assertThat(report.failures()).anyMatch(f -> f.startsWith("fhir_observations"));
        assertThat(main.getCollection("fhir_observations").countDocuments()).isEqualTo(3);
        assertThat(fhir.getCollection("fhir_observations").find(new Document("_id", "raw-1")).first()
                .get("resource_data", Document.class).getString("status")).isEqualTo("amended");
    }

    @Test
    void givenTwoOldDocumentsUnderOneId_whenMovedWithDropSource_thenTheReportSaysSoAndTheSourceIsKept() {
        main.getCollection("fhir_observations").insertOne(new Document("resourceType", "Observation")
                .append("id", "raw-1").append("status", "amended")
                .append("code", new Document("coding", List.of(new Document("code", "2708-6")))));

        RunReport report = new MoveFhirJob(dbs.client, settings(), Clock.systemUTC()).run(true);

        assertThat(report.exitCode()).isEqualTo(1);
        Document observations = report.details().get("collections", Document.class).get("fhir_observations",
                Document.class);
        assertThat(observations.get("source_documents_sharing_an_id", Number.class).longValue()).isOne();
        assertThat(observations.getList("mismatch_examples", String.class))
                .anyMatch(m -> m.contains("several source documents have the target id raw-1"));
        assertThat(report.failures()).anyMatch(f -> f.startsWith("fhir_observations") && f.contains("raw-1"));
        assertThat(main.getCollection("fhir_observations").countDocuments()).isEqualTo(4);
    }

    @Test
    void givenMovedCollections_whenRolledBack_thenOnlyTheCopiesAreRemoved() {
        fhir.getCollection("fhir_observations").insertOne(new Document("_id", "live-1")
                .append("resource_type", "Observation").append("source_system", "fhir-parser-worker"));
        new MoveFhirJob(dbs.client, settings(), Clock.systemUTC()).run(false);

        RunReport rollback = new RollbackJob(dbs.client, settings(), Clock.systemUTC()).run(false, true);

        assertThat(rollback.exitCode()).isZero();
        assertThat(fhir.getCollection("fhir_observations").find().into(new java.util.ArrayList<>()))
                .extracting(d -> d.get("_id")).containsExactly("live-1");
        assertThat(fhir.getCollection("fhir_patients").countDocuments()).isZero();
    }

    @Test
    void givenASourceDroppedAndRecreated_whenMoveRolledBack_thenTheOnlyCopiesAreKept() {
        new MoveFhirJob(dbs.client, settings(), Clock.systemUTC()).run(true);
        long copies = fhir.getCollection("fhir_observations").countDocuments();
        // A collection of the same name again, e.g. written by the old application: not the source of the copies.
        main.getCollection("fhir_observations").insertOne(new Document("resourceType", "Observation")
                .append("id", "new-after-drop"));

        RunReport rollback = new RollbackJob(dbs.client, settings(), Clock.systemUTC()).run(false, true);

        assertThat(rollback.exitCode()).isEqualTo(1);
        assertThat(rollback.failures()).anyMatch(f -> f.startsWith("fhir_observations") && f.contains("kept"));
        assertThat(fhir.getCollection("fhir_observations").countDocuments()).isEqualTo(copies).isPositive();
    }
}
