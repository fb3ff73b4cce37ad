package org.mfc.fhir.ingest.service;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The publish timeout must outlast the producer, or the broker could store what the client was told is stored. */
class PublishTimeoutRuleTest {

    @Test
    void givenTimeoutWithinTheProducersOwnBounds_whenStarting_thenRefusedNamingTheSetting() {
        assertThatThrownBy(() -> IngestStartup.checkPublishTimeout(Duration.ofSeconds(5), 2000, 4500))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("INGEST_PUBLISH_TIMEOUT")
                .hasMessageContaining("6500 ms");
        assertThatThrownBy(() -> IngestStartup.checkPublishTimeout(Duration.ofMillis(6500), 2000, 4500))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void givenTheDefaults_whenStarting_thenAccepted() {
        assertThatCode(() -> IngestStartup.checkPublishTimeout(Duration.ofSeconds(7), 2000, 4500))
                .doesNotThrowAnyException();
    }

    @Test
    void givenASynchronousStoreBoundBelowOne_whenStarting_thenRefusedNamingTheSettings() {
        assertThatThrownBy(() -> IngestStartup.checkSyncBounds(0, 500, 10_000))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("INGEST_SYNC_CONCURRENCY (0)");
        assertThatThrownBy(() -> IngestStartup.checkSyncBounds(2, 500, 0))
                .hasMessageContaining("INGEST_SYNC_MAX_QUEUED_RECORDS (0)");
        assertThatCode(() -> IngestStartup.checkSyncBounds(2, 500, 10_000)).doesNotThrowAnyException();
    }
}
