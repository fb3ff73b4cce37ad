package org.mfc.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

import java.nio.file.Files;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.testing.Fixtures;
import org.mfc.fhir.core.testing.TestJwt;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * An API whose verification key cannot be read reports not ready, naming the check and the location, instead of
 * taking traffic it can only fail; once the key is where the location says, it becomes ready and accepts readings.
 */
@QuarkusTest
@TestProfile(MissingKeyProfile.class)
class MissingKeyTest {

    private static final String VITALS = Fixtures.text("kati/vitalsign_full.json");

    private static int post() {
        String token = MissingKeyProfile.KEY.token("mounted-late", TestJwt.FLEET_WRITE_SCOPE, null);
        return IngestTests.as(token).body(VITALS).post("/api/v1/kati/VitalSign").statusCode();
    }

    @Test
    void givenKeyFileMissingAtStart_whenProbed_thenNotReadyUntilTheKeyIsThereThenReadingsAccepted() throws Exception {
        // Long enough for the start-up rehearsal to have finished: only the key holds readiness back.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> Management.request().get("/q/health/ready")
                .then().statusCode(503)
                .body("checks.find { it.name == 'hot-path-warm' }.status", is("UP"))
                .body("checks.find { it.name == 'token-verification' }.status", is("DOWN"))
                .body("checks.find { it.name == 'token-verification' }.data.keys",
                        is(MissingKeyProfile.KEY_FILE.toString())));
        assertThat(post()).as("a reading while no key can be read").isNotEqualTo(202);

        Files.createDirectories(MissingKeyProfile.KEY_FILE.getParent());
        Files.copy(MissingKeyProfile.KEY.publicKeyPem(), MissingKeyProfile.KEY_FILE);
        MissingKeyProfile.KEY_FILE.toFile().deleteOnExit();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> Management.request().get("/q/health/ready")
                .then().statusCode(200));
        assertThat(post()).isEqualTo(202);
    }
}
