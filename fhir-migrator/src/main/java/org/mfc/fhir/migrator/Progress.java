package org.mfc.fhir.migrator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.jboss.logging.Logger;

/**
 * The progress line of a long run: done/total (history entries, or documents for {@code move-fhir}), rate and ETA,
 * at most once per interval, at INFO. Counts only: no patient data, no values.
 */
public final class Progress {

    private static final Logger LOG = Logger.getLogger(Progress.class);

    private final String op;
    private final long total;
    private final Duration interval;
    private final Clock clock;
    private final Instant started;
    private Instant lastLine;
    private long done;

    public Progress(String op, long total, Duration interval, Clock clock) {
        this.op = op;
        this.total = total;
        this.interval = interval;
        this.clock = clock;
        this.started = clock.instant();
        this.lastLine = started;
    }

    public void add(long n) {
        done += n;
        Instant now = clock.instant();
        if (Duration.between(lastLine, now).compareTo(interval) >= 0) {
            lastLine = now;
            LOG.info(line(now));
        }
    }

    public long done() {
        return done;
    }

    String line(Instant now) {
        double seconds = Math.max(0.001, Duration.between(started, now).toMillis() / 1000.0);
        double rate = done / seconds;
        String eta = rate <= 0 || total <= done ? "-" : Duration.ofSeconds((long) ((total - done) / rate)).toString();
        return String.format(java.util.Locale.ROOT, "MIGRATE %s progress %d/%d (%.1f%%), %.0f/s, ETA %s", op,
                done, total, total == 0 ? 100.0 : 100.0 * done / total, rate, eta);
    }
}
