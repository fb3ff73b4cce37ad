package org.mfc.fhir.migrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void givenAQuarterDoneInTenSeconds_whenLineBuilt_thenDoneTotalRateAndEta() {
        Instant start = Instant.parse("2025-01-01T00:00:00Z");
        Progress progress = new Progress("convert", 1000, Duration.ofHours(1), Clock.fixed(start, ZoneOffset.UTC));

        progress.add(250);

        assertThat(progress.line(start.plusSeconds(10)))
                .isEqualTo("MIGRATE convert progress 250/1000 (25.0%), 25/s, ETA PT30S");
    }
}
