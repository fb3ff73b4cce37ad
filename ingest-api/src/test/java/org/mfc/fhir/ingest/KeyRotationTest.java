package org.mfc.fhir.ingest;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.testing.Fixtures;
import org.mfc.fhir.core.testing.TestJwt;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The issuer rotates its signing key: the new key is honoured, and the old one refused, within the refresh time. */
@QuarkusTest
@TestProfile(KeyRotationProfile.class)
class KeyRotationTest {

    private static final String VITALS = Fixtures.text("kati/vitalsign_full.json");

    private static int post(String token) {
        return IngestTests.as(token).body(VITALS).post("/api/v1/kati/VitalSign").statusCode();
    }

    @Test
    void givenKeyFileRotated_whenPosting_thenNewKeyHonouredAndOldKeyRefusedEvenForAKeptToken() throws Exception {
        String oldToken = KeyRotationProfile.OLD_KEY.token("rotating-issuer", TestJwt.FLEET_WRITE_SCOPE, null);
        await().atMost(Duration.ofSeconds(10)).until(() -> post(oldToken) == 202);
        // Verified once, so kept: only the key change can make the service refuse it before its cache ttl (60 s).
        org.assertj.core.api.Assertions.assertThat(post(oldToken)).isEqualTo(202);
        org.assertj.core.api.Assertions.assertThat(post(KeyRotationProfile.NEW_KEY.token("rotating-issuer",
                TestJwt.FLEET_WRITE_SCOPE, null))).isEqualTo(401);

        Files.copy(KeyRotationProfile.NEW_KEY.publicKeyPem(), KeyRotationProfile.KEY_FILE,
                StandardCopyOption.REPLACE_EXISTING);

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> post(
                KeyRotationProfile.NEW_KEY.token("rotating-issuer", TestJwt.FLEET_WRITE_SCOPE, null)) == 202);
        org.assertj.core.api.Assertions.assertThat(post(oldToken)).isEqualTo(401);
    }
}
