package org.mfc.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.testing.Fixtures;
import org.mfc.fhir.core.testing.JwtKeyResource;
import org.mfc.fhir.infra.PipelineInfraResource;
import org.mfc.fhir.ingest.rest.IngestResource;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(value = PipelineInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtKeyResource.class, restrictToAnnotatedClass = false)
class IngestFamiliesTest {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "/api/v1/ava4,              ava4/bp_biolight.json,                      AVA4,       ,           box-08F9E0D1F7B4,     1",
        "/api/v1/kati/VitalSign,    kati/vitalsign_full.json,                   KATI,       VitalSign,  imei-865067123456789, 4",
        "/api/v1/kati/AP55,         kati/ap55_batch.json,                       KATI,       AP55,       imei-865067123456789, 6",
        "/api/v1/kati/hb,           kati/hb_steps.json,                         KATI,       hb,         imei-865067123456789, 1",
        "/api/v1/kati/sleepdata,    kati/sleepdata_night.json,                  KATI,       sleepdata,  imei-865067123456789, 1",
        "/api/v1/kati/sleepdata,    kati/sleepdata_without_sleep.json,          KATI,       sleepdata,  imei-865067123456789, 0",
        "/api/v1/kati/location,     kati/location_gps_string_quirks.json,       KATI,       location,   imei-865067123456789, 0",
        "/api/v1/kati/SOS,          kati/sos.json,                              KATI,       SOS,        imei-865067123456789, 0",
        "/api/v1/kati/sos,          kati/sos_lower_without_time.json,           KATI,       sos,        imei-865067123456789, 0",
        "/api/v1/kati/fallDown,     kati/fall_down.json,                        KATI,       fallDown,   imei-865067123456789, 0",
        "/api/v1/kati/onlineTrigger, kati/online_trigger.json,                  KATI,       onlineTrigger, imei-865067123456789, 0",
        "/api/v1/qube-vital,        qube-vital/bp_wbp_jumper.json,              QUBE_VITAL, ,           box-E45F01ED8259,     1",
        "/api/v1/qube-vital,        qube-vital/heartbeat.json,                  QUBE_VITAL, ,           box-E45F01ED8259,     0",
        "/api/ava4/data,            generic/ava4_blood_pressure.json,           GENERIC,    AVA4,       box-DCDA0C5A8064,     1",
        "/api/ava4/data,            generic/ava4_blood_sugar_lower_case.json,   GENERIC,    AVA4,       box-DCDA0C5A8064,     1",
        "/api/kati/data,            generic/kati_steps.json,                    GENERIC,    KATI,       imei-865067123456789, 1",
        "/api/qube-vital/data,      generic/qube_vital_blood_pressure.json,     GENERIC,    QUBE_VITAL, box-E45F01ED8259,     1"
    })
    void givenFamilyFixture_whenPosted_thenQueuedAndRecordCarriesPayloadUnchanged(String path, String fixture,
            String family, String topic, String deviceKey, int readings) throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        String ingestId = IngestTests.device().header("X-Request-ID", "req-" + family).body(Fixtures.text(fixture))
                .post(path)
                .then().statusCode(202)
                .header("X-Request-ID", "req-" + family)
                .body("status", equalTo("queued"))
                .body("messages", equalTo(1))
                .body("readings", equalTo(readings))
                .body("queue_name", equalTo(IngestTests.TOPIC))
                .body("request_id", equalTo("req-" + family))
                .body("ingest_id", notNullValue())
                .extract().path("ingest_id");

        List<JsonNode> records = IngestTests.published(ingestId, 1);
        assertThat(records).hasSize(1);
        JsonNode record = records.get(0);
        assertThat(record.get("seq").asInt()).isZero();
        assertThat(record.get("family").asText()).isEqualTo(family);
        if (topic == null) {
            assertThat(record.get("topic").isNull()).isTrue();
        } else {
            assertThat(record.get("topic").asText()).isEqualTo(topic);
        }
        assertThat(record.get("device_key").asText()).isEqualTo(deviceKey);
        assertThat(record.get("client_id").asText()).isEqualTo(IngestTests.CLIENT);
        assertThat(Instant.parse(record.get("received_at").asText())).isBetween(before, Instant.now());
        assertThat(record.get("payload").equals(IngestFamiliesTest::sameValue, Fixtures.json(fixture)))
                .as("payload unchanged: %s", record.get("payload")).isTrue();
    }

    /** Numbers compare by value (36.60 == 36.6): JSON does not promise a representation. */
    private static int sameValue(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    }

    @Test
    void givenBatchOfTwoMessages_whenPosted_thenOneRecordPerMessageInOrder() throws Exception {
        String hb = Fixtures.text("kati/hb_steps.json");
        String body = "[" + hb + "," + hb.replace("4512", "4600") + "]";
        String ingestId = IngestTests.device().body(body).post("/api/v1/kati/hb")
                .then().statusCode(202).body("messages", equalTo(2)).body("readings", equalTo(2))
                .extract().path("ingest_id");

        List<JsonNode> records = IngestTests.published(ingestId, 2);
        assertThat(records).extracting(r -> r.get("seq").asInt()).containsExactly(0, 1);
        assertThat(records).extracting(r -> r.at("/payload/step").asInt()).containsExactly(4512, 4600);
    }

    @Test
    void givenSameIdempotencyKey_whenRetried_thenSameAnswerAndPublishedOnce() throws Exception {
        String key = "retry-" + Instant.now().toEpochMilli();
        String body = Fixtures.text("kati/vitalsign_full.json");
        String first = IngestTests.device().header(IngestResource.IDEMPOTENCY_KEY, key).body(body)
                .post("/api/v1/kati/VitalSign").then().statusCode(202).extract().asString();
        String second = IngestTests.device().header(IngestResource.IDEMPOTENCY_KEY, key).body(body)
                .post("/api/v1/kati/VitalSign").then().statusCode(202).extract().asString();

        assertThat(second).isEqualTo(first);
        String ingestId = Json.mapper().readTree(first).get("ingest_id").asText();
        IngestTests.published(ingestId, 1);
        assertThat(IngestTests.countPublished("/ingest_id", ingestId)).isEqualTo(1);

        IngestTests.device().header(IngestResource.IDEMPOTENCY_KEY, key).body(body.replace("72", "73"))
                .post("/api/v1/kati/VitalSign").then().statusCode(422)
                .body("error_code", equalTo("IDEMPOTENCY_KEY_REUSED"))
                .body("errors[0].field", equalTo("Idempotency-Key"));
    }

    @Test
    void givenQueuedRequest_whenAskedByAdmin_thenQueuedWithWhatWasAccepted() {
        String ingestId = IngestTests.device().body(Fixtures.text("kati/vitalsign_full.json"))
                .post("/api/v1/kati/VitalSign").then().statusCode(202).extract().path("ingest_id");

        IngestTests.admin().get("/admin/ingest/" + ingestId).then().statusCode(200)
                .body("ingest_id", equalTo(ingestId))
                .body("status", equalTo("queued"))
                .body("accepted.messages", equalTo(1));
        // A message without readings is done once answered: not "queued" for ever.
        String online = IngestTests.device().body(Fixtures.text("kati/online_trigger.json"))
                .post("/api/v1/kati/onlineTrigger").then().statusCode(202).extract().path("ingest_id");
        IngestTests.admin().get("/admin/ingest/" + online).then().statusCode(200)
                .body("status", equalTo("nothing_to_store"))
                .body("accepted.readings", equalTo(0));
        IngestTests.admin().get("/admin/ingest/no-such-id").then().statusCode(404)
                .contentType("application/problem+json").body("error_code", equalTo("NOT_FOUND"));
    }

    @Test
    void givenBroker_whenQueueStatsAsked_thenLagPartitionsAndStatus() {
        IngestTests.device().body(Fixtures.text("ava4/bp_biolight.json")).post("/api/v1/ava4").then().statusCode(202);

        IngestTests.admin().get("/admin/queue/stats").then().statusCode(200)
                .body("enabled", equalTo(true))
                .body("queue_name", equalTo(IngestTests.TOPIC))
                .body("consumer_group", equalTo("fhir-parser-worker"))
                // No worker runs in this test: every published record is waiting and nobody consumes.
                .body("status", equalTo("degraded"))
                .body("consumer_count", equalTo(0))
                .body("queue_size", org.hamcrest.Matchers.greaterThanOrEqualTo(1))
                .body("partitions.size()", org.hamcrest.Matchers.greaterThanOrEqualTo(1))
                .body("partitions[0].lag", notNullValue())
                .body("dead_letter_topic", equalTo("fhir.readings.dlq"))
                .body("dead_letter_count", org.hamcrest.Matchers.greaterThanOrEqualTo(0))
                .body("lag_degraded_threshold", equalTo(10000));
    }

    @Test
    void givenWorkerDeadLetteredARequest_whenAskedByAdmin_thenDeadLetteredWithStageAndReason() throws Exception {
        String ingestId = IngestTests.device().body(Fixtures.text("kati/hb_steps.json")).post("/api/v1/kati/hb")
                .then().statusCode(202).extract().path("ingest_id");
        int before = IngestTests.admin().get("/admin/queue/stats").then().statusCode(200)
                .extract().path("dead_letter_count");

        IngestTests.deadLetter(ingestId, "MAP", "no mapping for this reading");

        IngestTests.admin().get("/admin/ingest/" + ingestId).then().statusCode(200)
                .body("status", equalTo("dead_lettered"))
                .body("dead_letter_scan_complete", equalTo(true))
                .body("dead_letters[0].stage", equalTo("MAP"))
                .body("dead_letters[0].reason", equalTo("no mapping for this reading"));
        IngestTests.admin().get("/admin/queue/stats").then().statusCode(200)
                .body("dead_letter_count", equalTo(before + 1));
    }

}
