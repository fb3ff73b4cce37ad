package org.mfc.fhir.migrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.process.Pipeline;
import org.mfc.fhir.core.testing.Fixtures;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;

/**
 * {@code verify} after a correct migration of step buckets holding several counts of one day, one of them the
 * count the live pipeline stored (issue 15, point 9): the stored day is the day's highest count from every source,
 * which is what convert means, so verify passes; a stored count below the converted entries still fails it.
 */
class VerifyDailyCountsTest {

    private static final String MAIN = "AMY_DAILY";
    private static final String FHIR = "FHIR_DAILY";
    private static final ObjectId PATIENT = new ObjectId("66d000000000000000000001");

    @TempDir
    Path reports;

    private final MigrationDatabases dbs = new MigrationDatabases();

    @AfterEach
    void stop() {
        dbs.close();
    }

    private MigrationSettings settings() {
        return MigrationDatabases.settings(MAIN, FHIR, reports, 100);
    }

    private void liveStepsAndOlderLowerCounts() {
        MongoDatabase main = dbs.db(MAIN);
        main.getCollection("patients").insertOne(new Document("_id", PATIENT).append("is_deleted", false));
        main.getCollection("watches").insertOne(new Document("imei", "865067123456789").append("patient_id", PATIENT));
        Pipeline pipeline = new Pipeline(dbs.client, new Pipeline.Settings(MAIN, FHIR, true, Duration.ofMinutes(1),
                "fhir-parser-worker"), Clock.systemUTC());
        pipeline.start();
        // The watch's count of 4512 for the Thai day 7 April 2025, stored live (entry with its Observation id).
        pipeline.processor().process(List.of(new IngestRecord("ing-steps", 0, DeviceFamily.KATI, "hb",
                "imei-865067123456789", "test", "2025-04-06T18:25:20Z", Fixtures.json("kati/hb_steps.json"))));
        Date noon = Date.from(Instant.parse("2025-04-07T05:00:00Z"));
        for (int count : new int[] {3000, 1200}) {
            main.getCollection("step_histories").updateOne(Filters.eq("patient_id", PATIENT), Updates.push("data",
                    new Document("step", count).append("date_tag", "07042025").append("step_import_date", noon)
                            .append("step_source", 2)));
        }
    }

    @Test
    void givenDayWithALiveCountAndLowerOldCounts_whenConvertedAndVerified_thenVerifyPasses() {
        liveStepsAndOlderLowerCounts();
        new ConvertJob(dbs.client, settings(), Clock.systemUTC()).run(false);

        RunReport verify = new VerifyJob(dbs.client, settings(), Clock.systemUTC()).run(1);

        assertThat(verify.failures()).isEmpty();
        assertThat(verify.exitCode()).isZero();
        Document sample = verify.details().get("sample", Document.class);
        assertThat(sample.get("compared", Number.class).longValue()).isPositive();
    }

    @Test
    void givenLegacyBucketWithSeveralCountsOfOneDayOnly_whenConvertedAndVerified_thenVerifyPasses() {
        MongoDatabase main = dbs.db(MAIN);
        main.getCollection("patients").insertOne(new Document("_id", PATIENT).append("is_deleted", false));
        Date noon = Date.from(Instant.parse("2025-04-07T05:00:00Z"));
        Date evening = Date.from(Instant.parse("2025-04-07T12:00:00Z"));
        main.getCollection("step_histories").insertOne(new Document("patient_id", PATIENT).append("data", List.of(
                new Document("step", 1200).append("date_tag", "07042025").append("step_import_date", noon)
                        .append("step_source", 2),
                new Document("step", 4512).append("date_tag", "07042025").append("step_import_date", evening)
                        .append("step_source", 2))));
        new ConvertJob(dbs.client, settings(), Clock.systemUTC()).run(false);

        RunReport verify = new VerifyJob(dbs.client, settings(), Clock.systemUTC()).run(1);

        assertThat(dbs.db(FHIR).getCollection("fhir_observations").find(Filters.eq("code", "41950-7"))
                .into(new java.util.ArrayList<>())).singleElement().satisfies(o -> assertThat(o.get(
                        "resource_data", Document.class).get("valueQuantity", Document.class).get("value",
                                Number.class).intValue()).isEqualTo(4512));
        assertThat(verify.failures()).isEmpty();
        assertThat(verify.exitCode()).isZero();
    }

    @Test
    void givenStoredDayBelowTheConvertedCounts_whenVerified_thenItFails() {
        liveStepsAndOlderLowerCounts();
        new ConvertJob(dbs.client, settings(), Clock.systemUTC()).run(false);
        dbs.db(FHIR).getCollection("fhir_observations").updateOne(Filters.eq("code", "41950-7"),
                Updates.set("resource_data.valueQuantity.value", 10));

        RunReport verify = new VerifyJob(dbs.client, settings(), Clock.systemUTC()).run(1);

        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.failures()).anyMatch(f -> f.contains("differ from their source entry"));
    }
}
