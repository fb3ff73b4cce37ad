package org.mfc.fhir.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.json.Json;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/** With the authorization server's token endpoint configured, SMART backend-services clients can discover it. */
@QuarkusTest
@TestProfile(SmartDiscoveryTest.WithTokenEndpoint.class)
@QuarkusTestResource(value = MongoAndKeyResource.class, restrictToAnnotatedClass = false)
class SmartDiscoveryTest {

    static final String TOKEN_ENDPOINT = "https://auth.example.org/oauth2/token";

    public static class WithTokenEndpoint implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("fhir-api.smart-token-endpoint", TOKEN_ENDPOINT);
        }
    }

    @Test
    void givenTokenEndpoint_whenDiscoveredWithoutToken_thenSmartConfigurationAndCapabilityStatementAgree()
            throws Exception {
        Response r = given().get("/fhir/.well-known/smart-configuration");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/json");
        JsonNode doc = Json.mapper().readTree(r.asString());
        assertThat(doc.get("token_endpoint").asText()).isEqualTo(TOKEN_ENDPOINT);
        assertThat(doc.get("issuer").asText()).isNotBlank();
        assertThat(doc.get("grant_types_supported").toString()).contains("client_credentials");
        assertThat(doc.get("capabilities").toString()).contains("permission-v2", "client-confidential-asymmetric");

        JsonNode cs = Json.mapper().readTree(given().get("/fhir/metadata").then().statusCode(200).extract()
                .asString());
        JsonNode security = cs.at("/rest/0/security");
        assertThat(security.at("/service/0/coding/0/code").asText()).isEqualTo("SMART-on-FHIR");
        assertThat(security.at("/extension/0/url").asText())
                .isEqualTo("http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris");
        assertThat(security.at("/extension/0/extension/0/url").asText()).isEqualTo("token");
        assertThat(security.at("/extension/0/extension/0/valueUri").asText()).isEqualTo(TOKEN_ENDPOINT);
    }
}
