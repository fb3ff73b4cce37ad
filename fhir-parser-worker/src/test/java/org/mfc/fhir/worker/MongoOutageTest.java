package org.mfc.fhir.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.bson.Document;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.testing.Fixtures;
import org.mfc.fhir.core.testing.JwtKeyResource;
import org.mfc.fhir.core.testing.LegacyRegistry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * MongoDB goes away while the worker consumes and comes back: the worker holds its batch uncommitted, retries with
 * backoff, reports not-ready past the bound, and once the database is back stores every reading exactly once.
 * The database child is stopped rather than SIGKILLed: the stand-in's file store (H2) may lose its last second of
 * acknowledged writes on SIGKILL, which a journaling mongod does not; to the worker both look the same (connection
 * refused).
 */
@QuarkusTest
@WithTestResource(value = ChildMongoResource.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
@WithTestResource(value = JwtKeyResource.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
class MongoOutageTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    MongoClient mongo;

    private static String record(String ingestId, long scanTime) {
        ObjectNode payload = (ObjectNode) Fixtures.json("ava4/bp_biolight.json");
        payload.put("time", scanTime);
        ((ObjectNode) payload.at("/data/value/device_list/0")).put("scan_time", scanTime);
        IngestRecord r = TopicClient.record(ingestId, DeviceFamily.AVA4, null, "box-08F9E0D1F7B4",
                java.time.Instant.ofEpochSecond(scanTime + 2).toString(), payload);
        return TopicClient.json(r);
    }

    private static String[] records(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(record("t-outage-" + i, 1743800000L + i * 60));
        }
        return out.toArray(String[]::new);
    }

    @Test
    void givenMongoStoppedMidRun_whenRestarted_thenEveryReadingStoredExactlyOnce() throws Exception {
        MongoDatabase main = mongo.getDatabase("AMY");
        MongoDatabase fhir = mongo.getDatabase("MFC_FHIR_R5");
        LegacyRegistry.seedBloodPressurePatient(main);
        TopicClient.send(bootstrap, ChildMongoResource.TOPIC, "box-08F9E0D1F7B4", records(0, 5));
        await().atMost(WAIT).until(() -> fhir.getCollection("fhir_provenance").countDocuments() == 5);

        ChildMongoResource.mongo().stop();
        TopicClient.send(bootstrap, ChildMongoResource.TOPIC, "box-08F9E0D1F7B4", records(5, 10));
        await().atMost(WAIT).untilAsserted(() -> WorkerRequests.management().get("/q/health/ready").then().statusCode(503));
        // An operator looking at parked readings during the outage is told it is one.
        WorkerRequests.admin().get("/admin/parked").then().statusCode(503).contentType("application/problem+json")
                .header("Retry-After", "5").body("title", org.hamcrest.Matchers.is("Database unavailable"));

        ChildMongoResource.mongo().start();
        await().atMost(WAIT).untilAsserted(() -> WorkerRequests.management().get("/q/health/ready").then().statusCode(200));
        await().atMost(WAIT).until(() -> fhir.getCollection("fhir_provenance").countDocuments() == 10);

        assertThat(fhir.getCollection("fhir_observations").countDocuments()).isEqualTo(20);
        List<Document> perMessage = fhir.getCollection("fhir_observations").aggregate(List.of(
                Aggregates.group("$source_message_id", Accumulators.sum("n", 1)))).into(new ArrayList<>());
        assertThat(perMessage).hasSize(10).allSatisfy(d -> assertThat(d.getInteger("n")).isEqualTo(2));
        Document bucket = main.getCollection("blood_pressure_histories").find(Filters.eq("patient_id",
                LegacyRegistry.BP_PATIENT)).first();
        assertThat(bucket.getList("data", Document.class)).hasSize(10);
    }
}
