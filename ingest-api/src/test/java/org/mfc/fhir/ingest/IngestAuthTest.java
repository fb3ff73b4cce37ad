package org.mfc.fhir.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.testing.JwtKeyResource;
import org.mfc.fhir.core.host.auth.VerifiedTokenCache;
import org.mfc.fhir.core.testing.Fixtures;
import org.mfc.fhir.core.testing.TestJwt;
import org.mfc.fhir.infra.PipelineInfraResource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

@QuarkusTest
@QuarkusTestResource(value = PipelineInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtKeyResource.class, restrictToAnnotatedClass = false)
class IngestAuthTest {

    private static final String WATCH_A = "865067123456789";
    private static final String VITALS_A = Fixtures.text("kati/vitalsign_full.json");
    private static final String VITALS_B = VITALS_A.replace(WATCH_A, "865067999999999");

    private static void assertUnauthorized(io.restassured.specification.RequestSpecification request) {
        request.body(VITALS_A).post("/api/v1/kati/VitalSign").then().statusCode(401)
                .contentType("application/problem+json").header("WWW-Authenticate", "Bearer")
                .body("error_code", equalTo("UNAUTHORIZED")).body("status", equalTo(401));
    }

    @Inject
    VerifiedTokenCache tokenCache;

    @Test
    void givenSameValidTokenTwice_whenPosting_thenSecondRequestUsesTheKeptVerification() {
        String token = TestJwt.shared().token("cache-" + UUID.randomUUID(), TestJwt.FLEET_WRITE_SCOPE, null);
        long before = tokenCache.hits();
        IngestTests.as(token).body(VITALS_A).post("/api/v1/kati/VitalSign").then().statusCode(202);
        IngestTests.as(token).body(VITALS_A).post("/api/v1/kati/VitalSign").then().statusCode(202);
        assertThat(tokenCache.hits()).isGreaterThan(before);
    }

    @Test
    void givenTokenTamperedAfterAGoodOne_whenPosting_thenStillUnauthorized() {
        String token = TestJwt.shared().token("tamper-" + UUID.randomUUID(), TestJwt.FLEET_WRITE_SCOPE, null);
        IngestTests.as(token).body(VITALS_A).post("/api/v1/kati/VitalSign").then().statusCode(202);
        String[] parts = token.split("\\.");
        String signature = parts[2];
        char last = signature.charAt(signature.length() / 2);
        String forged = parts[0] + "." + parts[1] + "." + signature.substring(0, signature.length() / 2)
                + (last == 'A' ? 'B' : 'A') + signature.substring(signature.length() / 2 + 1);
        assertUnauthorized(IngestTests.as(forged));
    }

    @Test
    void givenNoToken_whenPosting_thenUnauthorizedProblem() {
        assertUnauthorized(given().contentType("application/json"));
    }

    @Test
    void givenExpiredToken_whenPosting_thenUnauthorizedAndNothingPublished() {
        String client = "expired-" + UUID.randomUUID();
        Map<String, Object> claims = TestJwt.shared().claims(client, TestJwt.FLEET_WRITE_SCOPE, null, Duration.ofMinutes(5));
        claims.put("iat", Instant.now().minus(Duration.ofHours(2)).getEpochSecond());
        claims.put("exp", Instant.now().minus(Duration.ofHours(1)).getEpochSecond());
        assertUnauthorized(IngestTests.as(TestJwt.shared().sign(claims)));
        assertThat(IngestTests.countPublished("/client_id", client)).isZero();
    }

    @Test
    void givenTokenSignedWithAnotherKey_whenPosting_thenUnauthorized() {
        assertUnauthorized(IngestTests.as(TestJwt.generate().token("forger", TestJwt.FLEET_WRITE_SCOPE, null)));
    }

    @Test
    void givenWrongIssuerOrAudienceOrGarbage_whenPosting_thenUnauthorized() {
        Map<String, Object> issuer = TestJwt.shared().claims("c", TestJwt.FLEET_WRITE_SCOPE, null, Duration.ofMinutes(5));
        issuer.put("iss", "https://evil.example");
        assertUnauthorized(IngestTests.as(TestJwt.shared().sign(issuer)));
        Map<String, Object> audience = TestJwt.shared().claims("c", TestJwt.FLEET_WRITE_SCOPE, null, Duration.ofMinutes(5));
        audience.put("aud", "another-api");
        assertUnauthorized(IngestTests.as(TestJwt.shared().sign(audience)));
        assertUnauthorized(IngestTests.as("not.a.token"));
    }

    @Test
    void givenTokenWithoutSubject_whenPosting_thenUnauthorized() {
        // The subject is the client identity for rate limits and client_id: a token must name one.
        Map<String, Object> claims = TestJwt.shared().claims(null, TestJwt.FLEET_WRITE_SCOPE, null, Duration.ofMinutes(5));
        claims.remove("sub");
        assertUnauthorized(IngestTests.as(TestJwt.shared().sign(claims)));
    }

    @Test
    void givenTokenWithoutWriteScope_whenPosting_thenForbiddenProblem() {
        IngestTests.as(TestJwt.shared().token("reader", "system/Observation.read admin", null)).body(VITALS_A)
                .post("/api/v1/kati/VitalSign").then().statusCode(403).contentType("application/problem+json")
                .body("error_code", equalTo("INSUFFICIENT_SCOPE"));
    }

    @Test
    void givenTokenWithSeveralSpaceSeparatedScopes_whenCallingBothKinds_thenEachScopeCounts() {
        String token = TestJwt.shared().token("ops-gateway", "openid system/Observation.write fleet admin", null);
        IngestTests.as(token).body(VITALS_A).post("/api/v1/kati/VitalSign").then().statusCode(202);
        IngestTests.as(token).get("/admin/queue/stats").then().statusCode(200);
    }

    @Test
    void givenDeviceToken_whenCallingAdmin_thenForbiddenProblem() {
        IngestTests.device().get("/admin/queue/stats").then().statusCode(403)
                .contentType("application/problem+json").body("error_code", equalTo("INSUFFICIENT_SCOPE"));
        given().get("/admin/queue/stats").then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void givenTokenBoundToWatchA_whenPostingForWatchB_thenForbiddenAndNothingPublished() {
        String client = "watch-a-" + UUID.randomUUID();
        String token = TestJwt.shared().token(client, TestJwt.WRITE_SCOPE, List.of("imei-" + WATCH_A));

        IngestTests.as(token).body(VITALS_B).post("/api/v1/kati/VitalSign").then().statusCode(403)
                .contentType("application/problem+json")
                .body("error_code", equalTo("DEVICE_NOT_ALLOWED"))
                .body("errors[0].field", equalTo("IMEI"));
        assertThat(IngestTests.countPublished("/client_id", client)).isZero();

        IngestTests.as(token).body(VITALS_A).post("/api/v1/kati/VitalSign").then().statusCode(202);
        assertThat(IngestTests.countPublished("/client_id", client)).isEqualTo(1);
    }

    @Test
    void givenUnboundTokenWithoutFleetScope_whenPosting_thenForbiddenAndNothingPublished() {
        String client = "unbound-" + UUID.randomUUID();
        String token = TestJwt.shared().token(client, TestJwt.WRITE_SCOPE, null);

        IngestTests.as(token).body(VITALS_A).post("/api/v1/kati/VitalSign").then().statusCode(403)
                .contentType("application/problem+json").body("error_code", equalTo("DEVICE_NOT_ALLOWED"))
                .body("errors[0].field", equalTo("IMEI"));
        assertThat(IngestTests.countPublished("/client_id", client)).isZero();

        String bridge = TestJwt.shared().token(client, TestJwt.FLEET_WRITE_SCOPE, null);
        IngestTests.as(bridge).body(VITALS_A).post("/api/v1/kati/VitalSign").then().statusCode(202);
    }

    @Test
    void givenTokenIssuedInTheFuture_whenPosting_thenUnauthorizedAndNothingPublished() {
        String client = "future-" + UUID.randomUUID();
        Map<String, Object> claims = TestJwt.shared().claims(client, TestJwt.FLEET_WRITE_SCOPE, null,
                Duration.ofMinutes(5));
        claims.put("iat", Instant.now().plus(Duration.ofMinutes(10)).getEpochSecond());
        claims.put("exp", Instant.now().plus(Duration.ofMinutes(20)).getEpochSecond());
        assertUnauthorized(IngestTests.as(TestJwt.shared().sign(claims)));
        assertThat(IngestTests.countPublished("/client_id", client)).isZero();
    }

    @Test
    void givenLifetimeBeyondTheMaximumOrNoIssueTime_whenPosting_thenUnauthorized() {
        // JWT_MAX_LIFETIME is 24 h by default.
        Map<String, Object> longLived = TestJwt.shared().claims("long-lived", TestJwt.FLEET_WRITE_SCOPE, null,
                Duration.ofDays(30));
        assertUnauthorized(IngestTests.as(TestJwt.shared().sign(longLived)));
        Map<String, Object> noIat = TestJwt.shared().claims("no-iat", TestJwt.FLEET_WRITE_SCOPE, null,
                Duration.ofMinutes(5));
        noIat.remove("iat");
        assertUnauthorized(IngestTests.as(TestJwt.shared().sign(noIat)));
        Map<String, Object> day = TestJwt.shared().claims("one-day", TestJwt.FLEET_WRITE_SCOPE, null,
                Duration.ofHours(24));
        IngestTests.as(TestJwt.shared().sign(day)).body(VITALS_A).post("/api/v1/kati/VitalSign").then()
                .statusCode(202);
    }

    @Test
    void givenBoxToken_whenPosting_thenTheRecordSaysItsWritesAreBoundToTheBox() {
        String token = TestJwt.shared().token("box-" + UUID.randomUUID(), TestJwt.WRITE_SCOPE,
                List.of("box-08F9E0D1F7B4"));
        String ingestId = IngestTests.as(token).body(Fixtures.text("ava4/bp_biolight.json")).post("/api/v1/ava4")
                .then().statusCode(202).extract().path("ingest_id");
        assertThat(IngestTests.published(ingestId, 1).get(0).path("device_bound").asBoolean()).isTrue();

        String fleetId = IngestTests.device().body(Fixtures.text("ava4/bp_biolight.json")).post("/api/v1/ava4")
                .then().statusCode(202).extract().path("ingest_id");
        assertThat(IngestTests.published(fleetId, 1).get(0).has("device_bound")).isFalse();
    }

    @Test
    void givenTokenBoundByRawMacSpelling_whenPostingForThatBox_thenAccepted() {
        String token = TestJwt.shared().token("box-client", TestJwt.WRITE_SCOPE, List.of(" dc:da:0c:5a:80:64 "));
        IngestTests.as(token).body(Fixtures.text("generic/ava4_blood_pressure.json")).post("/api/ava4/data")
                .then().statusCode(202);
        IngestTests.as(token).body(Fixtures.text("ava4/bp_biolight.json")).post("/api/v1/ava4")
                .then().statusCode(403).body("errors[0].field", equalTo("mac"));
    }
}
