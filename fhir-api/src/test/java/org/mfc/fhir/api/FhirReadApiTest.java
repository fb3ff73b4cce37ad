package org.mfc.fhir.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.fhir.FhirEnvelope;
import org.mfc.fhir.core.fhir.MappedResource;
import org.mfc.fhir.core.fhir.ObservationMapper;
import org.mfc.fhir.core.fhir.SampleReadings;
import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.host.auth.VerifiedTokenCache;
import org.mfc.fhir.core.store.FhirStore;
import org.mfc.fhir.core.testing.TestJwt;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;

import io.quarkus.arc.Arc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;

/**
 * The read API as a service on a real Mongo wire server, with data written by the core's own mapping and store:
 * reads, every search parameter, keyset paging to the end, includes, {@code $lastn}, errors as OperationOutcomes, and
 * the limits of a patient-scoped token.
 */
@QuarkusTest
@QuarkusTestResource(value = MongoAndKeyResource.class, restrictToAnnotatedClass = false)
class FhirReadApiTest {

    private static final String A = StoredFixtures.PATIENT_A;
    private static final String B = StoredFixtures.PATIENT_B;
    private static boolean seeded;

    @Inject
    MongoClient mongo;

    @BeforeEach
    void seed() {
        if (!seeded) {
            StoredFixtures.seed(mongo.getDatabase("MFC_FHIR_R5"));
            seeded = true;
        }
    }

    private static Response get(String token, String path) {
        var request = given().urlEncodingEnabled(false);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request.get(path);
    }

    private static JsonNode json(Response r, int status) {
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(status);
        try {
            return Json.mapper().readTree(r.asString());
        } catch (Exception e) {
            throw new AssertionError(r.asString(), e);
        }
    }

    private static List<JsonNode> matches(JsonNode bundle) {
        List<JsonNode> out = new ArrayList<>();
        bundle.path("entry").forEach(e -> {
            if (e.at("/search/mode").asText().equals("match")) {
                out.add(e.get("resource"));
            }
        });
        return out;
    }

    private static String next(JsonNode bundle) {
        for (JsonNode link : bundle.path("link")) {
            if (link.get("relation").asText().equals("next")) {
                return link.get("url").asText();
            }
        }
        return null;
    }

    /** The path and query of an absolute link of this server. */
    private static String local(String url) {
        return url.substring(url.indexOf("/fhir/"));
    }

    /** The status line and body of a GET sent byte for byte as given: no client re-encodes its query. */
    private static String[] rawGet(String token, String pathAndQuery) throws Exception {
        int port = io.restassured.RestAssured.port;
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            String request = "GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nAuthorization: Bearer " + token + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            return new String[] {response.substring(0, response.indexOf("\r\n")),
                    response.substring(response.indexOf("\r\n\r\n") + 4)};
        }
    }

    @Test
    void givenATokenSearchWithAnUnencodedBar_whenSearched_thenAnsweredAsIfEncoded() throws Exception {
        String[] raw = rawGet(ReadTokens.system(), "/fhir/Observation?patient=" + A
                + "&code=http://loinc.org|85354-9&_count=1");
        JsonNode encoded = json(get(ReadTokens.system(), "/fhir/Observation?patient=" + A
                + "&code=http%3A%2F%2Floinc.org%7C85354-9&_count=1"), 200);

        assertThat(raw[0]).contains(" 200 ");
        assertThat(matches(Json.mapper().readTree(raw[1]))).extracting(r -> r.get("id").asText())
                .isNotEmpty().isEqualTo(matches(encoded).stream().map(r -> r.get("id").asText()).toList());

        // A broken percent escape is the client's mistake, answered as one.
        String[] broken = rawGet(ReadTokens.system(), "/fhir/Observation?patient=" + A + "&code=%ZZ");
        assertThat(broken[0]).contains(" 400 ");
        assertThat(broken[1]).contains("OperationOutcome");
    }

    @Test
    void givenStoredObservation_whenReadById_thenR5JsonWithLastUpdated() {
        JsonNode first = matches(json(get(ReadTokens.system(), "/fhir/Observation?patient=" + A
                + "&code=85354-9&_count=1"), 200)).get(0);
        String id = first.get("id").asText();
        Response r = get(ReadTokens.system(), "/fhir/Observation/" + id);
        JsonNode obs = json(r, 200);
        assertThat(r.contentType()).startsWith("application/fhir+json");
        assertThat(obs.get("resourceType").asText()).isEqualTo("Observation");
        assertThat(obs.get("id").asText()).isEqualTo(id);
        assertThat(obs.at("/subject/reference").asText()).isEqualTo("Patient/" + A);
        assertThat(obs.at("/meta/lastUpdated").asText()).isNotBlank();
        assertThat(r.header("Last-Modified")).isNotBlank();
    }

    @Test
    void givenARequestId_whenRead_thenEchoedAndAnInsaneOneReplaced() {
        assertThat(given().header("Authorization", "Bearer " + ReadTokens.system()).header("X-Request-ID", "read-1")
                .get("/fhir/Patient/" + A).header("X-Request-ID")).isEqualTo("read-1");
        String replaced = given().header("Authorization", "Bearer " + ReadTokens.system())
                .header("X-Request-ID", "not sane <id>").get("/fhir/Patient/" + A).header("X-Request-ID");
        assertThat(replaced).isNotEqualTo("not sane <id>").matches("[0-9a-f-]{36}");
    }

    @Test
    void givenXmlFormat_whenRead_thenFhirXml() {
        Response r = get(ReadTokens.system(), "/fhir/Patient/" + A + "?_format=xml");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/fhir+xml");
        assertThat(r.asString()).contains("<Patient xmlns=\"http://hl7.org/fhir\">");
    }

    @Test
    void givenAbsoluteReferences_whenSearched_thenThisServersAreLocalAndAnotherServersRefused() {
        String own = "http://localhost:" + io.restassured.RestAssured.port + "/fhir/Patient/" + A;
        assertThat(json(get(ReadTokens.system(), "/fhir/Observation?subject=" + own + "&_summary=count"), 200)
                .get("total").asInt()).isEqualTo(json(get(ReadTokens.system(), "/fhir/Observation?subject=Patient/"
                        + A + "&_summary=count"), 200).get("total").asInt()).isPositive();
        JsonNode foreign = json(get(ReadTokens.system(), "/fhir/Observation?subject=http://elsewhere.example/fhir/"
                + "Patient/" + A + "&_summary=count"), 400);
        assertThat(foreign.at("/issue/0/expression/0").asText()).isEqualTo("http.subject");
    }

    @Test
    void givenAcceptWithQualities_whenRead_thenThePreferredFormat() {
        assertThat(given().header("Authorization", "Bearer " + ReadTokens.system())
                .header("Accept", "application/fhir+xml;q=1.0, application/fhir+json;q=0.1")
                .get("/fhir/Patient/" + A).contentType()).startsWith("application/fhir+xml");
        assertThat(given().header("Authorization", "Bearer " + ReadTokens.system())
                .header("Accept", "application/fhir+xml;q=0.5, application/fhir+json")
                .get("/fhir/Patient/" + A).contentType()).startsWith("application/fhir+json");
        assertThat(given().header("Authorization", "Bearer " + ReadTokens.system())
                .header("Accept", "application/fhir+xml, */*;q=0.8")
                .get("/fhir/Patient/" + A).contentType()).startsWith("application/fhir+xml");
        assertThat(given().header("Authorization", "Bearer " + ReadTokens.system())
                .header("Accept", "*/*").get("/fhir/Patient/" + A).contentType())
                .startsWith("application/fhir+json");
    }

    @Test
    void givenAWriteMethod_when405_thenAllowNamesTheReadMethods() {
        Response r = given().header("Authorization", "Bearer " + ReadTokens.system())
                .contentType("application/fhir+json").body("{}").post("/fhir/Observation");
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.header("Allow")).isEqualTo("GET, HEAD, OPTIONS");
        assertThat(given().header("Authorization", "Bearer " + ReadTokens.system()).delete("/fhir/Patient/" + A)
                .header("Allow")).isEqualTo("GET, HEAD, OPTIONS");
    }

    @Test
    void givenEveryReadableType_whenRead_thenServed() {
        JsonNode bp = matches(json(get(ReadTokens.system(), "/fhir/Observation?patient=" + A
                + "&_count=1&_include=Observation:device"), 200)).get(0);
        String device = bp.at("/device/reference").asText();
        json(get(ReadTokens.system(), "/fhir/" + device), 200);
        json(get(ReadTokens.system(), "/fhir/Patient/" + A), 200);
        String provenance = mongo.getDatabase("MFC_FHIR_R5").getCollection("fhir_provenance").find().first()
                .getString("_id");
        assertThat(json(get(ReadTokens.system(), "/fhir/Provenance/" + provenance), 200).get("resourceType")
                .asText()).isEqualTo("Provenance");
    }

    @Test
    void givenUnknownId_whenRead_then404OperationOutcome() {
        JsonNode outcome = json(get(ReadTokens.system(), "/fhir/Observation/does-not-exist"), 404);
        assertThat(outcome.get("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(outcome.at("/issue/0/code").asText()).isEqualTo("not-found");
        json(get(ReadTokens.system(), "/fhir/Organization/nope"), 404);
        assertThat(json(get(ReadTokens.system(), "/fhir/Medication/x"), 404).at("/issue/0/code").asText())
                .isEqualTo("not-supported");
    }

    @Test
    void givenPatientAndCode_whenPagedToTheEnd_thenEveryBloodPressureOnceNewestFirst() {
        String url = "/fhir/Observation?patient=Patient/" + A + "&code=http://loinc.org%7C85354-9&_count=7";
        List<String> effective = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        int pages = 0;
        while (url != null) {
            JsonNode bundle = json(get(ReadTokens.system(), url), 200);
            assertThat(bundle.get("type").asText()).isEqualTo("searchset");
            if (pages > 0) {
                assertThat(local(bundle.at("/link/0/url").asText())).as("self: the next link that led here")
                        .isEqualTo(url).contains("_cursor=");
            }
            for (JsonNode o : matches(bundle)) {
                assertThat(ids.add(o.get("id").asText())).as("no entry twice").isTrue();
                effective.add(o.get("effectiveDateTime").asText());
            }
            String n = next(bundle);
            url = n == null ? null : local(n);
            pages++;
        }
        assertThat(ids).hasSize(StoredFixtures.BP_A);
        assertThat(pages).isEqualTo(5);
        List<String> sorted = new ArrayList<>(effective);
        sorted.sort(java.util.Comparator.reverseOrder());
        assertThat(effective).isEqualTo(sorted);
    }

    @Test
    void givenAscendingSortAndDateRange_whenSearched_thenOnlyThatWindowOldestFirst() {
        JsonNode bundle = json(get(ReadTokens.system(), "/fhir/Observation?subject=" + A + "&code=85354-9"
                + "&date=ge2025-03-01T05:00:00Z&date=lt2025-03-01T10:00:00Z&_sort=date"), 200);
        List<JsonNode> found = matches(bundle);
        assertThat(found).extracting(o -> o.get("effectiveDateTime").asText()).containsExactly(
                "2025-03-01T05:00:00Z", "2025-03-01T06:00:00Z", "2025-03-01T07:00:00Z", "2025-03-01T08:00:00Z",
                "2025-03-01T09:00:00Z");
        JsonNode day = json(get(ReadTokens.system(), "/fhir/Observation?patient=" + A
                + "&code=85354-9&date=2025-03-02&_summary=count"), 200);
        assertThat(day.get("total").asInt()).isEqualTo(6);
        assertThat(day.has("entry")).isFalse();
    }

    @Test
    void givenSeveralCodesCategoryAndDevice_whenSearched_thenExactlyThoseObservations() {
        JsonNode codes = json(get(ReadTokens.system(), "/fhir/Observation?patient=" + A
                + "&code=2708-6,41653-7&_count=50"), 200);
        assertThat(matches(codes)).hasSize(8);
        // SpO2's second coding finds the same Observations as its primary one.
        assertThat(matches(json(get(ReadTokens.system(), "/fhir/Observation?patient=" + A
                + "&code=http://loinc.org%7C59408-5"), 200))).hasSize(5);
        JsonNode lab = json(get(ReadTokens.system(), "/fhir/Observation?patient=" + A + "&category=laboratory"), 200);
        assertThat(matches(lab)).hasSize(3).allSatisfy(o -> assertThat(o.at("/code/coding/0/code").asText())
                .isEqualTo("41653-7"));
        String cuff = "ble-" + StoredFixtures.CUFF_B.id();
        JsonNode device = json(get(ReadTokens.system(), "/fhir/Observation?device=Device/" + cuff
                + "&_summary=count"), 200);
        assertThat(device.get("total").asInt()).isEqualTo(10);
    }

    @Test
    void givenIncludes_whenSearched_thenReferencedDeviceAndPatientIncludedOnce() {
        JsonNode bundle = json(get(ReadTokens.system(), "/fhir/Observation?patient=" + A + "&code=85354-9"
                + "&_count=5&_include=Observation:device&_include=Observation:patient"), 200);
        List<String> included = new ArrayList<>();
        bundle.path("entry").forEach(e -> {
            if (e.at("/search/mode").asText().equals("include")) {
                included.add(e.at("/resource/resourceType").asText() + "/" + e.at("/resource/id").asText());
            }
        });
        assertThat(included).containsExactlyInAnyOrder("Patient/" + A,
                "Device/ble-" + StoredFixtures.CUFF_A.id());
    }

    @Test
    void givenLastn_whenAsked_thenNewestPerCode() {
        JsonNode bundle = json(get(ReadTokens.system(), "/fhir/Observation/$lastn?patient=" + A + "&max=2"), 200);
        List<JsonNode> found = matches(bundle);
        // blood pressure, heart rate (from the cuff and the oximeter: one code), SpO2, glucose
        assertThat(found).hasSize(8);
        assertThat(found).filteredOn(o -> o.at("/code/coding/0/code").asText().equals("85354-9"))
                .extracting(o -> o.get("effectiveDateTime").asText())
                .containsExactly("2025-03-02T05:00:00Z", "2025-03-02T04:00:00Z");
        JsonNode lab = json(get(ReadTokens.system(), "/fhir/Observation/$lastn?patient=" + A
                + "&category=laboratory"), 200);
        assertThat(matches(lab)).hasSize(1);
        assertThat(json(get(ReadTokens.system(), "/fhir/Observation/$lastn?patient=" + A + "&max=100000"), 200)
                .at("/link/0/url").asText()).as("self shows the max used").contains("max=100").doesNotContain("100000");
        JsonNode spo2 = json(get(ReadTokens.system(), "/fhir/Observation/$lastn?patient=" + A
                + "&code=59408-5&max=3"), 200);
        assertThat(matches(spo2)).hasSize(3).allSatisfy(o -> assertThat(o.at("/code/coding/0/code").asText())
                .isEqualTo("2708-6"));
    }

    @Test
    void givenPatientAndDeviceIdentifiers_whenSearched_thenFound() {
        JsonNode patients = json(get(ReadTokens.system(), "/fhir/Patient?identifier="
                + "https://fhir.mfc.local/sid/th-citizen-id%7C1100000000016"), 200);
        assertThat(matches(patients)).extracting(p -> p.get("id").asText()).containsExactly(A);
        JsonNode devices = json(get(ReadTokens.system(), "/fhir/Device?identifier=0B:A0:00:00:00:01"), 200);
        assertThat(matches(devices)).extracting(d -> d.get("id").asText())
                .containsExactly("ble-" + StoredFixtures.CUFF_A.id());
        // The MAC in the spellings devices and registries use, with or without its system: the same Device.
        for (String spelling : List.of("0ba000000001", "0b-a0-00-00-00-01",
                "http://hl7.org/fhir/sid/eui-48/bluetooth%7C0ba000000001")) {
            assertThat(matches(json(get(ReadTokens.system(), "/fhir/Device?identifier=" + spelling), 200)))
                    .as(spelling).extracting(d -> d.get("id").asText())
                    .containsExactly("ble-" + StoredFixtures.CUFF_A.id());
        }
        // A citizen id in its printed form.
        assertThat(matches(json(get(ReadTokens.system(), "/fhir/Patient?identifier="
                + "https://fhir.mfc.local/sid/th-citizen-id%7C1-1000-00000-01-6"), 200)))
                .extracting(p -> p.get("id").asText()).containsExactly(A);
        assertThat(matches(json(get(ReadTokens.system(), "/fhir/Patient?identifier=1-1000-00000-01-6"), 200)))
                .extracting(p -> p.get("id").asText()).containsExactly(A);
    }

    @Test
    void givenBadParameters_when400_thenOperationOutcomeNamesTheParameter() {
        JsonNode date = json(get(ReadTokens.system(), "/fhir/Observation?patient=" + A + "&date=yesterday"), 400);
        assertThat(date.at("/issue/0/expression/0").asText()).isEqualTo("http.date");
        assertThat(date.at("/issue/0/diagnostics").asText()).startsWith("date:");
        assertThat(json(get(ReadTokens.system(), "/fhir/Observation?patient=" + A + "&date=sa2025"), 400)
                .at("/issue/0/code").asText()).isEqualTo("not-supported");
        assertThat(json(get(ReadTokens.system(), "/fhir/Observation?patient=" + A + "&_count=ten"), 400)
                .at("/issue/0/expression/0").asText()).isEqualTo("http._count");
        assertThat(json(get(ReadTokens.system(), "/fhir/Observation?code=85354-9"), 400)
                .at("/issue/0/expression/0").asText()).isEqualTo("http.patient");
        assertThat(json(get(ReadTokens.system(), "/fhir/Observation?patient=" + A + "&code:text=pressure"), 400)
                .at("/issue/0/expression/0").asText()).isEqualTo("http.code");
        assertThat(json(get(ReadTokens.system(), "/fhir/Observation?patient=" + A + "&_cursor=garbage"), 400)
                .at("/issue/0/expression/0").asText()).isEqualTo("http._cursor");
    }

    /**
     * A day's step count is an effectivePeriod (a Thai day: 17:00Z to 17:00Z). FHIR's date search on a range:
     * eq contains it, ge needs it to end at or after the value, le to start before it (search.html, "date").
     */
    @Test
    void givenAnObservationWithAPeriod_whenSearchedByDate_thenComparedByItsStartAndEnd() {
        String patient = "65fc00000000000000000003";
        Instant dayStart = Instant.parse("2026-12-04T17:00:00Z");
        List<Document> docs = new ArrayList<>();
        for (MappedResource m : new ObservationMapper().map(SampleReadings.steps(dayStart, 4512), patient,
                dayStart.plusSeconds(86_400 + 60))) {
            docs.add(FhirEnvelope.wrap(m, dayStart.plusSeconds(86_400 + 60), "fixtures", "c-steps"));
        }
        new FhirStore(mongo.getDatabase("MFC_FHIR_R5")).insertIfAbsent(FhirStore.byCollection(docs));
        String search = "/fhir/Observation?patient=" + patient + "&date=";
        Map<String, Integer> expected = new java.util.LinkedHashMap<>();
        expected.put("ge2026-12-05", 1);
        expected.put("ge2026-12-05T16:59:59Z", 1);
        expected.put("ge2026-12-05T17:00:01Z", 0);
        expected.put("gt2026-12-04", 1);
        expected.put("2026-12-04", 0);
        expected.put("2026-12-05", 0);
        expected.put("2026-12-04T17:00:00Z", 0);
        expected.put("le2026-12-04T17:00:00Z", 1);
        expected.put("lt2026-12-04T17:00:00Z", 0);
        expected.put("lt2026-12-05", 1);
        expected.put("ge2026-12-05&date=le2026-12-05", 1);
        expected.put("ge2026-12-04&date=lt2026-12-06", 1);
        expected.put("2026-12", 1);
        for (var e : expected.entrySet()) {
            assertThat(matches(json(get(ReadTokens.system(), search + e.getKey()), 200))).as(e.getKey())
                    .hasSize(e.getValue());
            assertThat(matches(json(get(ReadTokens.system(), search + e.getKey() + "&code=41950-7"), 200)))
                    .as(e.getKey() + " with its code").hasSize(e.getValue());
        }
    }

    @Test
    void givenUnknownParameter_whenStrict_then400_whenLenient_thenIgnoredAndLeftOutOfSelf() {
        String path = "/fhir/Observation?patient=" + A + "&_count=2&colour=blue";
        Response strict = given().header("Authorization", "Bearer " + ReadTokens.system())
                .header("Prefer", "handling=strict").urlEncodingEnabled(false).get(path);
        assertThat(json(strict, 400).at("/issue/0/expression/0").asText()).isEqualTo("http.colour");
        // RFC 7240 allows whitespace around "=" and a quoted value.
        for (String spelling : List.of("handling = strict", "respond-async; handling=\"strict\"")) {
            Response also = given().header("Authorization", "Bearer " + ReadTokens.system())
                    .header("Prefer", spelling).urlEncodingEnabled(false).get(path);
            assertThat(json(also, 400).at("/issue/0/expression/0").asText()).as(spelling).isEqualTo("http.colour");
        }
        Response lenient = given().header("Authorization", "Bearer " + ReadTokens.system())
                .header("Prefer", "handling=lenient").urlEncodingEnabled(false).get(path);
        JsonNode bundle = json(lenient, 200);
        assertThat(bundle.at("/link/0/url").asText()).doesNotContain("colour").contains("_count=2");
    }

    @Test
    void givenCountAboveCap_whenSearched_thenCapped() {
        JsonNode bundle = json(get(ReadTokens.system(), "/fhir/Observation?patient=" + A + "&_count=100000"), 200);
        assertThat(bundle.at("/link/0/url").asText()).contains("_count=200");
        // Beyond an int too: a whole number, capped like any other, not "must be a whole number".
        JsonNode huge = json(get(ReadTokens.system(), "/fhir/Observation?patient=" + A + "&_count=100000000000"), 200);
        assertThat(huge.at("/link/0/url").asText()).contains("_count=200");
    }

    @Test
    void givenNoOrBadToken_when401_andMissingScope_when403() {
        JsonNode none = json(get(null, "/fhir/Patient/" + A), 401);
        assertThat(none.at("/issue/0/code").asText()).isEqualTo("login");
        json(get(org.mfc.fhir.core.testing.TestJwt.shared().token("ingest", "system/*.read", null),
                "/fhir/Patient/" + A), 401);
        json(get(ReadTokens.of("system/Observation.write", null), "/fhir/Patient/" + A), 403);
        json(get(ReadTokens.of("system/Observation.read", null), "/fhir/Patient/" + A), 403);
        json(get(ReadTokens.of("patient/*.read", null), "/fhir/Patient/" + A), 403);
        json(get(ReadTokens.of("system/Patient.r", null), "/fhir/Patient/" + A), 200);
        json(get(ReadTokens.of("system/Patient.r", null), "/fhir/Patient?identifier=x"), 403);
    }

    @Test
    void givenTokenLivingBeyondTheMaximumOrWithoutIssueTime_when401() {
        // JWT_MAX_LIFETIME is 24 h by default, as for the ingest API: a read token grants patient data.
        Map<String, Object> longLived = TestJwt.shared().claims("reader-long", "system/*.read", null,
                Duration.ofDays(2));
        longLived.put("aud", ReadTokens.AUDIENCE);
        json(get(TestJwt.shared().sign(longLived), "/fhir/Patient/" + A), 401);
        Map<String, Object> noIat = TestJwt.shared().claims("reader-no-iat", "system/*.read", null,
                Duration.ofMinutes(10));
        noIat.put("aud", ReadTokens.AUDIENCE);
        noIat.remove("iat");
        json(get(TestJwt.shared().sign(noIat), "/fhir/Patient/" + A), 401);
        Map<String, Object> day = TestJwt.shared().claims("reader-day", "system/*.read", null, Duration.ofHours(23));
        day.put("aud", ReadTokens.AUDIENCE);
        json(get(TestJwt.shared().sign(day), "/fhir/Patient/" + A), 200);
    }

    @Test
    void givenSameTokenTwice_whenReading_thenVerifiedOnceAndReused() {
        // The core's verifier (verified-token cache, keys read again every JWT_KEYS_REFRESH) is the read API's too.
        VerifiedTokenCache verifier = Arc.container().instance(VerifiedTokenCache.class).get();
        assertThat(verifier).as("the core's verifier is a bean of the read API").isNotNull();
        String token = ReadTokens.of("system/Patient.r", null);
        long before = verifier.hits();
        json(get(token, "/fhir/Patient/" + A), 200);
        json(get(token, "/fhir/Patient/" + A), 200);
        assertThat(verifier.hits() - before).as("requests answered from a kept verification").isEqualTo(1);
    }

    @Test
    void givenPatientToken_whenReadingAnotherPatientsData_then404() {
        String token = ReadTokens.patient(A);
        json(get(token, "/fhir/Patient/" + A), 200);
        json(get(token, "/fhir/Patient/" + B), 404);
        String bObservation = matches(json(get(ReadTokens.system(), "/fhir/Observation?patient=" + B), 200)).get(0)
                .get("id").asText();
        json(get(token, "/fhir/Observation/" + bObservation), 404);
        json(get(token, "/fhir/Device/ble-" + StoredFixtures.CUFF_B.id()), 404);
        json(get(token, "/fhir/Device/ble-" + StoredFixtures.CUFF_A.id()), 200);
    }

    @Test
    void givenPatientToken_whenSearching_thenOnlyItsCompartment() {
        String token = ReadTokens.patient(A);
        assertThat(matches(json(get(token, "/fhir/Observation?patient=" + B), 200))).isEmpty();
        assertThat(json(get(token, "/fhir/Observation?subject=" + B + "&_summary=count"), 200).get("total").asInt())
                .isZero();
        JsonNode own = json(get(token, "/fhir/Observation?code=85354-9&_count=200"
                + "&_include=Observation:patient&_include=Observation:device"), 200);
        assertThat(matches(own)).hasSize(StoredFixtures.BP_A)
                .allSatisfy(o -> assertThat(o.at("/subject/reference").asText()).isEqualTo("Patient/" + A));
        own.path("entry").forEach(e -> assertThat(e.at("/resource/id").asText())
                .isNotEqualTo(B).isNotEqualTo("ble-" + StoredFixtures.CUFF_B.id()));
        assertThat(matches(json(get(token, "/fhir/Observation?device=ble-" + StoredFixtures.CUFF_B.id()), 200)))
                .isEmpty();
        assertThat(matches(json(get(token, "/fhir/Patient"), 200))).extracting(p -> p.get("id").asText())
                .containsExactly(A);
        assertThat(matches(json(get(token, "/fhir/Device?identifier=0B:B0:00:00:00:02"), 200))).isEmpty();
        assertThat(next(json(get(token, "/fhir/Device?identifier=0B:B0:00:00:00:02&_count=1"), 200))).isNull();
        assertThat(matches(json(get(token, "/fhir/Observation/$lastn?patient=" + B), 200))).isEmpty();
        assertThat(matches(json(get(token, "/fhir/Observation/$lastn"), 200)))
                .allSatisfy(o -> assertThat(o.at("/subject/reference").asText()).isEqualTo("Patient/" + A))
                .isNotEmpty();
    }

    @Test
    void givenPatientToken_whenDevicesOfSeveralPatientsMatch_thenPagesLinksAndCountsShowOnlyItsOwn() {
        // In id order patient A's cuff comes first: for B's token it is the match to hide.
        String both = "/fhir/Device?identifier=0B:A0:00:00:00:01,0B:B0:00:00:00:02";
        Map<String, String> cuffs = Map.of(A, "ble-" + StoredFixtures.CUFF_A.id(), B,
                "ble-" + StoredFixtures.CUFF_B.id());
        cuffs.forEach((patient, cuff) -> {
            String token = ReadTokens.patient(patient);
            JsonNode page = json(get(token, both + "&_count=1"), 200);
            assertThat(matches(page)).extracting(d -> d.get("id").asText()).containsExactly(cuff);
            assertThat(next(page)).as("no next link: nothing else of the compartment matches").isNull();
            assertThat(json(get(token, both + "&_summary=count"), 200).get("total").asInt()).isEqualTo(1);
        });
        JsonNode first = json(get(ReadTokens.system(), both + "&_count=1"), 200);
        assertThat(next(first)).as("a system token pages over both").isNotNull();
    }

    @Test
    void givenNoTokenEndpointConfigured_whenDiscovered_then404AndNoSmartClaim() {
        JsonNode missing = json(get(null, "/fhir/.well-known/smart-configuration"), 404);
        assertThat(missing.at("/issue/0/diagnostics").asText()).contains("FHIR_API_SMART_TOKEN_ENDPOINT");
        assertThat(json(get(null, "/fhir/metadata"), 200).at("/rest/0/security/service/0/coding/0/code").asText())
                .isEqualTo("OAuth");
    }

    @Test
    void givenMetadata_whenAskedWithoutToken_thenCapabilityStatement() {
        JsonNode cs = json(get(null, "/fhir/metadata"), 200);
        assertThat(cs.get("resourceType").asText()).isEqualTo("CapabilityStatement");
        assertThat(cs.get("fhirVersion").asText()).isEqualTo("5.0.0");
        assertThat(cs.at("/rest/0/resource")).hasSize(5);
    }

    @Test
    void givenIdentifierSearch_whenAudited_thenOneLineWithNamesNeverValues() {
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger audit = java.util.logging.Logger.getLogger("org.mfc.fhir.api.audit");
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                lines.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        audit.addHandler(handler);
        try {
            json(get(ReadTokens.patient(A), "/fhir/Patient?identifier=1100000000016"), 200);
            // A claim cannot write words into the line; a refused search still names its parameters.
            json(get(ReadTokens.patient("zz interaction=read status=200"), "/fhir/Observation"), 403);
            json(get(ReadTokens.system(), "/fhir/Observation?patient=" + A + "&_count=abc"), 400);
            json(get(ReadTokens.of("system/Observation.write", null), "/fhir/Patient/" + A), 403);
            // Refused before the query is parsed: the line still names the caller and the parameters.
            get(ReadTokens.system(), "/fhir/Observation?patient=" + A + "&_format=yaml");
            get(ReadTokens.system(), "/fhir/Foo/1");
        } finally {
            audit.removeHandler(handler);
        }
        assertThat(lines).hasSize(6);
        assertThat(lines.get(4)).contains("scope=system ", "type=Observation", "params=_format,patient ",
                "status=400");
        assertThat(lines.get(5)).contains("scope=system ", "interaction=read ", "type=? ", "status=404");
        assertThat(lines.get(0)).contains("scope=patient", "patient=" + A, "interaction=search-type", "type=Patient",
                "params=_count,identifier", "status=200", "entries=1").doesNotContain("1100000000016");
        assertThat(lines.get(1)).contains("patient=invalid ", "status=403").doesNotContain("status=200");
        assertThat(lines.get(2)).contains("params=_count,patient ", "status=400");
        assertThat(lines.get(3)).contains("scope=none ", "status=403");
    }
}
