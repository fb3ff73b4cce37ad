package org.mfc.fhir.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.testing.JwtKeyResource;
import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.testing.Fixtures;
import org.mfc.fhir.core.testing.TestJwt;
import org.mfc.fhir.infra.PipelineInfraResource;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Forged and misused tokens, and the map of what answers without one. Complements {@link IngestAuthTest} (missing,
 * expired, other key, issuer, audience, scope, device binding): unsigned ({@code alg: none}) and algorithm-confusion
 * (HS256 keyed with the public key) tokens, tokens not valid yet, a device token on every admin endpoint, and every
 * operation of the OpenAPI document called without a token.
 */
@QuarkusTest
@QuarkusTestResource(value = PipelineInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtKeyResource.class, restrictToAnnotatedClass = false)
class TokenForgeryTest {

    private static final String VITALS = Fixtures.text("kati/vitalsign_full.json");
    /** Operations the README documents as public: none on the devices' port. */
    private static final Set<String> PUBLIC = Set.of();

    private static Map<String, Object> validClaims(String client) {
        return TestJwt.shared().claims(client, TestJwt.FLEET_WRITE_SCOPE, null, Duration.ofMinutes(5));
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String part(Map<String, Object> json) throws Exception {
        return b64(Json.mapper().writeValueAsBytes(json));
    }

    private static void assertRefused(String token, String client) {
        IngestTests.as(token).body(VITALS).post("/api/v1/kati/VitalSign").then().statusCode(401)
                .contentType("application/problem+json").body("error_code", equalTo("UNAUTHORIZED"));
        assertThat(IngestTests.countPublished("/client_id", client)).isZero();
    }

    @Test
    void givenUnsignedAlgNoneToken_whenPosting_thenUnauthorizedAndNothingPublished() throws Exception {
        String client = "alg-none-" + UUID.randomUUID();
        String unsigned = part(Map.of("alg", "none", "typ", "JWT")) + "." + part(validClaims(client)) + ".";
        assertRefused(unsigned, client);
        // Same, keeping the signature of a genuine token: the header must not be able to switch verification off.
        String genuine = TestJwt.shared().sign(validClaims(client));
        String swapped = part(Map.of("alg", "none", "typ", "JWT")) + genuine.substring(genuine.indexOf('.'));
        assertRefused(swapped, client);
    }

    @Test
    void givenHs256TokenKeyedWithThePublicKey_whenPosting_thenUnauthorizedAndNothingPublished() throws Exception {
        String client = "alg-confusion-" + UUID.randomUUID();
        byte[] pem = Files.readAllBytes(TestJwt.shared().publicKeyPem());
        String der = Files.readString(TestJwt.shared().publicKeyPem()).replaceAll("-----[A-Z ]+-----", "")
                .replaceAll("\\s", "");
        for (byte[] secret : List.of(pem, Base64.getDecoder().decode(der))) {
            String signingInput = part(Map.of("alg", "HS256", "typ", "JWT")) + "." + part(validClaims(client));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            String token = signingInput + "." + b64(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
            assertRefused(token, client);
        }
    }

    @Test
    void givenTwoAuthorizationHeaders_whenPosting_thenRefusedWhateverTheirOrderAndNothingPublished() {
        String client = "two-headers-" + UUID.randomUUID();
        String valid = TestJwt.shared().token(client, TestJwt.FLEET_WRITE_SCOPE, null);
        // The bearer mechanism reads the first header: valid-then-junk was accepted, junk-then-valid refused.
        for (List<String> headers : List.of(List.of("Bearer " + valid, "Bearer junk"),
                List.of("Bearer junk", "Bearer " + valid), List.of("Bearer " + valid, "Bearer " + valid))) {
            var request = given().contentType("application/json").body(VITALS);
            headers.forEach(h -> request.header("Authorization", h));
            request.post("/api/v1/kati/VitalSign").then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("error_code", equalTo("AMBIGUOUS_CREDENTIALS"))
                    .body("errors[0].field", equalTo("Authorization"));
        }
        assertThat(IngestTests.countPublished("/client_id", client)).isZero();
    }

    @Test
    void givenTokenNotValidBeforeAnHourFromNow_whenPosting_thenUnauthorized() {
        String client = "nbf-future-" + UUID.randomUUID();
        Map<String, Object> claims = validClaims(client);
        claims.put("nbf", Instant.now().plus(Duration.ofHours(1)).getEpochSecond());
        claims.put("exp", Instant.now().plus(Duration.ofHours(2)).getEpochSecond());
        assertRefused(TestJwt.shared().sign(claims), client);
    }

    @Test
    void givenTokenWithTamperedClaims_whenPosting_thenUnauthorized() throws Exception {
        // A genuine device token whose payload is swapped for one with the admin scope keeps its old signature.
        String client = "tampered-" + UUID.randomUUID();
        String genuine = TestJwt.shared().token(client, TestJwt.WRITE_SCOPE, List.of("imei-865067123456789"));
        Map<String, Object> escalated = validClaims(client);
        escalated.put("scope", TestJwt.WRITE_SCOPE + " admin");
        String[] parts = genuine.split("\\.");
        String forged = parts[0] + "." + part(escalated) + "." + parts[2];
        assertRefused(forged, client);
        given().header("Authorization", "Bearer " + forged).get("/admin/queue/stats").then().statusCode(401);
    }

    @Test
    void givenDeviceWriteToken_whenCallingEveryAdminEndpoint_thenForbiddenProblem() {
        String token = TestJwt.shared().token("device-on-admin", TestJwt.WRITE_SCOPE, List.of("imei-865067123456789"));
        for (String path : List.of("/admin/queue/stats", "/admin/ingest/" + UUID.randomUUID())) {
            given().header("Authorization", "Bearer " + token).get(path).then().statusCode(403)
                    .contentType("application/problem+json").body("error_code", equalTo("INSUFFICIENT_SCOPE"));
        }
    }

    @Test
    void givenNoToken_whenCallingEveryDocumentedOperation_thenOnlyPublicOnesAnswerAndTheRestAreUnauthorized()
            throws Exception {
        JsonNode doc = Json.mapper().readTree(Management.request().queryParam("format", "json").get("/q/openapi").then()
                .statusCode(200).extract().asByteArray());
        List<String> called = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> path = paths.next();
            String concrete = path.getKey().replace("{topic}", "VitalSign").replaceAll("\\{[^}]+}",
                    UUID.randomUUID().toString());
            for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext();) {
                String method = methods.next().toUpperCase();
                if (!Set.of("GET", "POST", "PUT", "DELETE", "PATCH").contains(method)) {
                    continue;
                }
                String operation = method + " " + path.getKey();
                called.add(operation);
                Response answer = given().contentType("application/json").body(VITALS).request(method, concrete);
                if (PUBLIC.contains(operation)) {
                    assertThat(answer.statusCode()).as(operation).isBetween(200, 299);
                } else {
                    assertThat(answer.statusCode()).as(operation).isEqualTo(401);
                    assertThat(answer.contentType()).as(operation).startsWith("application/problem+json");
                }
            }
        }
        assertThat(called).as("operations of the OpenAPI document").contains("POST /api/v1/ava4",
                "POST /api/v1/kati/{topic}", "POST /api/v1/qube-vital", "POST /api/ava4/data", "POST /api/kati/data",
                "POST /api/qube-vital/data", "GET /admin/queue/stats", "GET /admin/ingest/{ingest_id}");
        IngestTests.awaitWarm();
        // Health, metrics and the OpenAPI document need no token: they are on the management port only.
        for (String open : List.of("/q/health/live", "/q/health/ready", "/q/metrics", "/q/openapi", "/health")) {
            assertThat(Management.request().get(open).statusCode()).as(open).isEqualTo(200);
        }
    }
}
