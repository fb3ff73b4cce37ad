package org.mfc.fhir.migrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class ProgressTest {

    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

    @Test
    void givenAQuarterDoneInTenSeconds_whenLineBuilt_thenDoneTotalRateAndEta() {
        Progress progress = new Progress("convert", 1000, Duration.ofHours(1), Clock.fixed(START, ZoneOffset.UTC),
                null);

        progress.add(250);

        assertThat(progress.line(START.plusSeconds(10)))
                .isEqualTo("MIGRATE convert progress 250/1000 (25.0%), 25/s, ETA PT30S");
    }

    @Test
    void givenATerminal_whenWorkAdvances_thenABarWithRateAndEtaIsRedrawnInPlaceAndEndsWithANewLine() {
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        MovingClock clock = new MovingClock();
        Progress progress = new Progress("convert", 1000, Duration.ofHours(1), clock,
                new PrintStream(screen, true, StandardCharsets.UTF_8));

        clock.now = START.plusSeconds(10);
        progress.add(250);
        clock.now = START.plusSeconds(40);
        progress.add(750);

        String drawn = screen.toString(StandardCharsets.UTF_8);
        assertThat(drawn).isEqualTo("\rconvert [########......................]  25.0%  250/1000  25/s  ETA 0:00:30"
                + "\rconvert [##############################] 100.0%  1000/1000  25/s  ETA -" + System.lineSeparator());
    }

    private static final class MovingClock extends Clock {
        Instant now = START;

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
