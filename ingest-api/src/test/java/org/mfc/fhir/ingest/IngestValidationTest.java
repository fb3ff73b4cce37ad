package org.mfc.fhir.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mfc.fhir.core.testing.Fixtures;
import org.mfc.fhir.core.testing.JwtKeyResource;
import org.mfc.fhir.core.testing.TestJwt;
import org.mfc.fhir.infra.PipelineInfraResource;
import org.mfc.fhir.ingest.rest.IngestResource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

@QuarkusTest
@QuarkusTestResource(value = PipelineInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtKeyResource.class, restrictToAnnotatedClass = false)
class IngestValidationTest {

    private static final String BP = Fixtures.text("ava4/bp_biolight.json");

    /**
     * Each bad input with its status, error code and the field the first error names. Bodies are built from the
     * fixtures by a replacement ({@code from} to {@code to}) so each row differs from a valid message in one place.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
        truncated JSON               | /api/v1/ava4              | ava4/bp_biolight.json         | ~"PR":74}]}}}~   | ~"PR":74}]}~        | 400 | INVALID_JSON     | $
        duplicate key                | /api/v1/ava4              | ava4/bp_biolight.json         | ~"bp_low":95~    | ~"bp_low":95,"bp_low":96~ | 400 | INVALID_JSON | $
        NaN                          | /api/v1/ava4              | ava4/bp_biolight.json         | ~"bp_low":95~    | ~"bp_low":NaN~      | 400 | INVALID_JSON     | $
        Infinity                     | /api/v1/ava4              | ava4/bp_biolight.json         | ~"bp_low":95~    | ~"bp_low":Infinity~ | 400 | INVALID_JSON     | $
        trailing garbage             | /api/v1/ava4              | ava4/bp_biolight.json         | ~"PR":74}]}}}~   | ~"PR":74}]}}} x~    | 400 | INVALID_JSON     | $
        missing sub-device address   | /api/v1/ava4              | ava4/bp_biolight.json         | ~"ble_addr"~     | ~"ble"~             | 422 | VALIDATION_ERROR | data.value.device_list[0].ble_addr
        non-numeric systolic         | /api/v1/ava4              | ava4/bp_biolight.json         | ~"bp_high":137~  | ~"bp_high":"high"~  | 422 | VALIDATION_ERROR | data.value.device_list[0].bp_high
        unknown AVA4 attribute       | /api/v1/ava4              | ava4/bp_biolight.json         | ~BP_BIOLIGTH~    | ~BP_UNKNOWN~        | 422 | VALIDATION_ERROR | data.attribute
        unknown Kati topic           | /api/v1/kati/Temperature  | kati/vitalsign_full.json      | ~"heartRate"~    | ~"heartRate"~       | 422 | VALIDATION_ERROR | topic
        Kati without IMEI            | /api/v1/kati/VitalSign    | kati/vitalsign_full.json      | ~"IMEI"~         | ~"imei_missing"~    | 422 | VALIDATION_ERROR | IMEI
        Kati heart rate not a number | /api/v1/kati/VitalSign    | kati/vitalsign_full.json      | ~"heartRate": 72~ | ~"heartRate": "fast"~ | 422 | VALIDATION_ERROR | heartRate
        Qube without citizen id      | /api/v1/qube-vital        | qube-vital/bp_wbp_jumper.json | ~"citiz"~        | ~"citizen"~         | 422 | VALIDATION_ERROR | citiz
        generic unknown type         | /api/ava4/data            | generic/ava4_blood_pressure.json | ~BLOOD_PRESSURE~ | ~BLOOD_COLOUR~   | 422 | VALIDATION_ERROR | type
        generic without device id    | /api/kati/data            | generic/kati_steps.json       | ~"device_id"~    | ~"device"~          | 422 | VALIDATION_ERROR | device_id
        generic bad timestamp        | /api/ava4/data            | generic/ava4_blood_pressure.json | ~2025-04-06T18:25:11Z~ | ~06/04/2025~ | 422 | VALIDATION_ERROR | timestamp
        impossible systolic          | /api/v1/ava4              | ava4/bp_biolight.json         | ~"bp_high":137~  | ~"bp_high":987~     | 422 | VALIDATION_ERROR | data.value.device_list[0].bp_high
        citizen id check digit wrong | /api/v1/qube-vital        | qube-vital/bp_wbp_jumper.json | ~1234567890121~  | ~1234567890123~     | 422 | VALIDATION_ERROR | citiz
        """)
    void givenBadInput_whenPosted_thenProblemNamesTheFieldAndNothingIsPublished(String name, String path,
            String fixture, String from, String to, int status, String code, String field) {
        String body = Fixtures.text(fixture).replace(from, to);
        if (!path.contains("Temperature")) {
            assertThat(body).as("the row must change the fixture").isNotEqualTo(Fixtures.text(fixture));
        }
        String client = "validation-" + UUID.randomUUID();

        IngestTests.as(TestJwt.shared().token(client, TestJwt.FLEET_WRITE_SCOPE, null))
                .header("X-Request-ID", "bad-input-1").body(body).post(path)
                .then().statusCode(status)
                .contentType("application/problem+json")
                .header("X-Request-ID", "bad-input-1")
                .body("status", equalTo(status))
                .body("error_code", equalTo(code))
                .body("request_id", equalTo("bad-input-1"))
                .body("success", equalTo(false))
                .body("instance", equalTo(path))
                .body("errors[0].field", equalTo(field));

        assertThat(IngestTests.countPublished("/client_id", client)).isZero();
    }

    @Test
    void givenOneBadMessageInBatch_whenPosted_thenTheGoodOneIsQueuedAndTheBadOneListedWithItsField() {
        String client = "validation-batch-" + UUID.randomUUID();
        String body = "[" + BP + "," + BP.replace("\"bp_high\":137", "\"bp_high\":\"x\"") + "]";

        IngestTests.as(TestJwt.shared().token(client, TestJwt.FLEET_WRITE_SCOPE, null)).body(body).post("/api/v1/ava4")
                .then().statusCode(202).contentType("application/json")
                .body("status", equalTo("queued"))
                .body("messages", equalTo(1))
                .body("readings", equalTo(1))
                .body("refused.size()", equalTo(1))
                .body("refused[0].item", equalTo("[1]"))
                .body("refused[0].errors[0].field", equalTo("[1].data.value.device_list[0].bp_high"))
                .body("refused[0].errors[0].error_code", equalTo("VALIDATION_ERROR"))
                .body("refused[0].errors[0].message", not(containsString("\"x\"")));

        assertThat(IngestTests.countPublished("/client_id", client)).isOne();
    }

    @Test
    void givenABodyDeclaredIdentityOrCompressed_whenPosted_thenIdentityIsQueuedAndACodingRefusedNamingTheHeader() {
        String client = "validation-coding-" + UUID.randomUUID();

        IngestTests.as(TestJwt.shared().token(client, TestJwt.FLEET_WRITE_SCOPE, null)).header("Content-Encoding",
                "identity").body(BP).post("/api/v1/ava4").then().statusCode(202).body("status", equalTo("queued"));
        IngestTests.as(TestJwt.shared().token(client, TestJwt.FLEET_WRITE_SCOPE, null)).header("Content-Encoding",
                "gzip").body(BP).post("/api/v1/ava4").then().statusCode(415)
                .contentType("application/problem+json").header("Accept-Encoding", "identity")
                .body("errors.field", org.hamcrest.Matchers.contains("Content-Encoding"));
    }

    @Test
    void givenEveryMessageOfABatchBad_whenPosted_thenTheWholeRequestIsRefused() {
        String client = "validation-batch-all-" + UUID.randomUUID();
        String bad = BP.replace("\"bp_high\":137", "\"bp_high\":\"x\"");

        IngestTests.as(TestJwt.shared().token(client, TestJwt.FLEET_WRITE_SCOPE, null)).body("[" + bad + "," + bad + "]")
                .post("/api/v1/ava4").then().statusCode(422).contentType("application/problem+json")
                .body("errors.field", org.hamcrest.Matchers.contains("[0].data.value.device_list[0].bp_high",
                        "[1].data.value.device_list[0].bp_high"));

        assertThat(IngestTests.countPublished("/client_id", client)).isZero();
    }

    @Test
    void givenOneBadItemInADeviceList_whenPosted_thenTheMessageIsQueuedAndTheItemListedAsRefused() {
        String client = "validation-item-" + UUID.randomUUID();
        String body = BP.replace("\"PR\":74}]", "\"PR\":74},{\"scan_time\":1743963912,\"ble_addr\":\"d616f9641622\","
                + "\"bp_high\":987,\"bp_low\":95}]");
        assertThat(body).isNotEqualTo(BP);

        IngestTests.as(TestJwt.shared().token(client, TestJwt.FLEET_WRITE_SCOPE, null)).body(body).post("/api/v1/ava4")
                .then().statusCode(202)
                .body("messages", equalTo(1))
                .body("readings", equalTo(1))
                .body("refused[0].item", equalTo("data.value.device_list[1]"))
                .body("refused[0].errors[0].field", equalTo("data.value.device_list[1].bp_high"));

        assertThat(IngestTests.countPublished("/client_id", client)).isOne();
    }

    @Test
    void givenOneBadItemInAnAp55Batch_whenPosted_thenTheOtherItemsAreQueued() {
        String client = "validation-ap55-" + UUID.randomUUID();
        String body = Fixtures.text("kati/ap55_batch.json").replace("\"heartRate\": 75", "\"heartRate\": \"fast\"");
        assertThat(body).isNotEqualTo(Fixtures.text("kati/ap55_batch.json"));

        IngestTests.as(TestJwt.shared().token(client, TestJwt.FLEET_WRITE_SCOPE, null)).body(body)
                .post("/api/v1/kati/AP55").then().statusCode(202)
                .body("readings", equalTo(4))
                .body("refused[0].item", equalTo("data[1]"))
                .body("refused[0].errors[0].field", equalTo("data[1].heartRate"));

        assertThat(IngestTests.countPublished("/client_id", client)).isOne();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"heartRate, 0", "heartRate, -72", "spO2, 101", "spO2, 0"})
    void givenVitalSignWithOneImpossibleVital_whenPosted_thenTheOtherVitalsQueuedAndItRefused(String field,
            int value) {
        String client = "validation-vital-" + UUID.randomUUID();
        com.fasterxml.jackson.databind.node.ObjectNode body = (com.fasterxml.jackson.databind.node.ObjectNode)
                Fixtures.json("kati/vitalsign_full.json");
        body.put(field, value);

        IngestTests.as(TestJwt.shared().token(client, TestJwt.FLEET_WRITE_SCOPE, null)).body(body.toString())
                .post("/api/v1/kati/VitalSign").then().statusCode(202)
                .body("readings", equalTo(3))
                .body("refused.size()", equalTo(1))
                .body("refused[0].item", equalTo(field))
                .body("refused[0].errors[0].field", equalTo(field))
                .body("refused[0].errors[0].message", containsString("physiologically possible range"));

        assertThat(IngestTests.countPublished("/client_id", client)).isOne();
    }

    @Test
    void givenWatchSendingThaiTimeAsUtc_whenPosted_thenRefusedNamingTheTimeField() {
        String client = "validation-clock-" + UUID.randomUUID();
        String ahead = java.time.format.DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm:ss").format(
                java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).plusHours(7));
        String body = Fixtures.text("kati/vitalsign_full.json").replace("06/04/2025 18:25:11", ahead);

        IngestTests.as(TestJwt.shared().token(client, TestJwt.FLEET_WRITE_SCOPE, null)).body(body)
                .post("/api/v1/kati/VitalSign").then().statusCode(422)
                .body("errors[0].field", equalTo("timeStamps"));

        assertThat(IngestTests.countPublished("/client_id", client)).isZero();
    }

    @Test
    void givenValidMessage_whenPosted_thenCountedOnTopic() {
        // The positive control of the "nothing published" assertions above.
        String client = "validation-ok-" + UUID.randomUUID();
        IngestTests.as(TestJwt.shared().token(client, TestJwt.FLEET_WRITE_SCOPE, null)).body(BP).post("/api/v1/ava4")
                .then().statusCode(202);
        assertThat(IngestTests.countPublished("/client_id", client)).isEqualTo(1);
    }

    @Test
    void givenLargeBatchTwiceWithOneIdempotencyKey_whenPosted_thenValidatedOffTheEventLoopAndQueuedOnce() {
        // Over 16 KiB: parsed and validated on the worker pool; the answer and the idempotent replay are unchanged.
        String client = "validation-large-" + UUID.randomUUID();
        String heartbeat = "{\"type\":\"HB_Msg\",\"mac\":\"08:F9:E0:D1:F7:B4\",\"data\":{\"msg\":\"Online\"}}";
        String body = "[" + String.join(",", java.util.Collections.nCopies(400, heartbeat)) + "]";
        assertThat(body.length()).isGreaterThan(IngestResource.EVENT_LOOP_MAX_BODY_BYTES);
        var spec = IngestTests.as(TestJwt.shared().token(client, TestJwt.FLEET_WRITE_SCOPE, null))
                .header(IngestResource.IDEMPOTENCY_KEY, "large-" + client);

        String first = spec.body(body).post("/api/v1/ava4").then().statusCode(202).body("messages", equalTo(400))
                .extract().path("ingest_id");
        String second = spec.body(body).post("/api/v1/ava4").then().statusCode(202).extract().path("ingest_id");

        assertThat(second).isEqualTo(first);
        assertThat(IngestTests.countPublished("/client_id", client)).isEqualTo(400);
        // Off the event loop as on it: one bad message beside valid ones is refused alone, all bad is a 422.
        IngestTests.device().body("[" + body.substring(1, body.length() - 1) + ",{\"type\":1}]")
                .post("/api/v1/ava4").then().statusCode(202).body("messages", equalTo(400))
                .body("refused[0].item", equalTo("[400]"));
        String bad = "{\"type\":1,\"pad\":\"" + "x".repeat(100) + "\"}";
        IngestTests.device().body("[" + String.join(",", java.util.Collections.nCopies(200, bad)) + "]")
                .post("/api/v1/ava4").then().statusCode(422).contentType("application/problem+json");
    }

    @Test
    void givenEmptyOrScalarOrEmptyArrayBody_whenPosted_thenRefused() {
        IngestTests.device().body("").post("/api/v1/ava4").then().statusCode(400)
                .contentType("application/problem+json").body("error_code", equalTo("INVALID_JSON"));
        IngestTests.device().body("42").post("/api/v1/ava4").then().statusCode(400)
                .contentType("application/problem+json");
        IngestTests.device().body("[]").post("/api/v1/ava4").then().statusCode(422)
                .contentType("application/problem+json").body("errors[0].field", equalTo("$"));
    }

    @Test
    void givenWrongContentType_whenPosted_thenUnsupportedMediaTypeProblem() {
        given().header("Authorization", "Bearer " + TestJwt.shared().token("ct", TestJwt.FLEET_WRITE_SCOPE, null))
                .contentType("text/plain").body(BP).post("/api/v1/ava4")
                .then().statusCode(415).contentType("application/problem+json")
                .body("status", equalTo(415));
    }

    @Test
    void givenBodyOverTheLimit_whenPosted_thenPayloadTooLargeProblem() {
        String big = "{\"pad\":\"" + "x".repeat(1_100_000) + "\"}";
        IngestTests.device().header("X-Request-ID", "too-big").body(big).post("/api/v1/ava4")
                .then().statusCode(413).contentType("application/problem+json")
                .header("X-Request-ID", "too-big")
                .body("error_code", equalTo("PAYLOAD_TOO_LARGE"))
                .body("request_id", equalTo("too-big"));
    }

    @Test
    void givenChunkedBodies_whenPosted_thenOversizeIsAProblemAndNormalSizeIsAccepted() {
        byte[] big = ("{\"pad\":\"" + "x".repeat(1_100_000) + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        IngestTests.device().body(new java.io.ByteArrayInputStream(big)).post("/api/v1/ava4")
                .then().statusCode(413).contentType("application/problem+json")
                .body("error_code", equalTo("PAYLOAD_TOO_LARGE"));
        IngestTests.device().body(new java.io.ByteArrayInputStream(BP.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .post("/api/v1/ava4").then().statusCode(202);
    }

    @Test
    void givenChunkedBodiesLargerThanTheInputBuffer_whenPosted_thenReadWhole() throws Exception {
        // Sent chunked (no Content-Length) by the JDK client; within the limit, larger than the REST layer's 10 KiB
        // input buffer: such bodies used to reach the endpoint cut, "not valid JSON at line 1, column 2".
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String token = TestJwt.shared().token(IngestTests.CLIENT, TestJwt.FLEET_WRITE_SCOPE, null);
        for (int size : new int[] {12_000, 200_000, 1_000_000}) {
            byte[] padded = (" ".repeat(size / 2) + BP.replace("1743963911", Integer.toString(1743963911 - size))
                    + " ".repeat(size / 2)).getBytes(StandardCharsets.UTF_8);
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port
                    + "/api/v1/ava4")).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(padded))).build();
            HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(size + " bytes chunked: " + answer.body()).isEqualTo(202);
        }
    }

    @Test
    void givenUnknownPathOrMethod_whenRequested_thenNotFoundOrNotAllowedProblem() {
        IngestTests.device().body(BP).post("/api/v1/unknown-family")
                .then().statusCode(404).contentType("application/problem+json").body("status", equalTo(404));
        given().get("/no/such/path")
                .then().statusCode(404).contentType("application/problem+json").body("error_code",
                        equalTo("NOT_FOUND"));
        IngestTests.device().get("/api/v1/ava4")
                .then().statusCode(405).contentType("application/problem+json").body("status", equalTo(405));
    }
}
