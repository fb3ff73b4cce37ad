package org.mfc.fhir.migrator;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import org.jboss.logging.Logger;
import org.mfc.fhir.core.model.Stage;

/**
 * The progress of a long run: done/total (history entries, or documents for {@code move-fhir}), rate and ETA. In a
 * terminal, a bar redrawn in place a few times a second; otherwise (a container's log, a pipe) one INFO line at most
 * once per interval, so logs stay line-oriented. Counts only: no patient data, no values.
 */
public final class Progress {

    private static final Logger LOG = Logger.getLogger(Progress.class);
    private static final Duration REDRAW = Duration.ofMillis(250);
    private static final int BAR_WIDTH = 30;

    private final String op;
    private final long total;
    private final Duration interval;
    private final Clock clock;
    private final PrintStream terminal;
    private final Instant started;
    private Instant lastLine;
    private long done;
    private boolean finished;

    /** Draws a bar when this process runs in a terminal, else logs the periodic line. */
    public Progress(String op, long total, Duration interval, Clock clock) {
        this(op, total, interval, clock, System.console() != null ? System.err : null);
    }

    /** {@code terminal}: where the bar is drawn, or null for the periodic log line. */
    Progress(String op, long total, Duration interval, Clock clock, PrintStream terminal) {
        this.op = op;
        this.total = total;
        this.interval = interval;
        this.clock = clock;
        this.terminal = terminal;
        this.started = clock.instant();
        this.lastLine = started;
    }

    public void add(long n) {
        done += n;
        Instant now = clock.instant();
        if (terminal != null) {
            boolean complete = total > 0 && done >= total;
            if (complete || Duration.between(lastLine, now).compareTo(REDRAW) >= 0) {
                lastLine = now;
                terminal.print("\r" + bar(now));
                if (complete && !finished) {
                    finished = true;
                    terminal.println();
                }
                terminal.flush();
            }
        } else if (Duration.between(lastLine, now).compareTo(interval) >= 0) {
            lastLine = now;
            LOG.info(line(now));
        }
    }

    public long done() {
        return done;
    }

    String line(Instant now) {
        double rate = rate(now);
        return String.format(Locale.ROOT, "%s %s progress %d/%d (%.1f%%), %.0f/s, ETA %s", Stage.MIGRATE, op,
                done, total, total == 0 ? 100.0 : 100.0 * done / total, rate, eta(rate));
    }

    /** {@code convert [#########.....................]  31.2%  312000/1000000  19850/s  ETA 0:00:34}. */
    String bar(Instant now) {
        double rate = rate(now);
        if (total <= 0) {
            return String.format(Locale.ROOT, "%s %d  %.0f/s", op, done, rate);
        }
        double share = Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(share * BAR_WIDTH);
        return String.format(Locale.ROOT, "%s [%s%s] %5.1f%%  %d/%d  %.0f/s  ETA %s", op, "#".repeat(filled),
                ".".repeat(BAR_WIDTH - filled), 100.0 * share, done, total, rate, clockTime(rate));
    }

    private double rate(Instant now) {
        double seconds = Math.max(0.001, Duration.between(started, now).toMillis() / 1000.0);
        return done / seconds;
    }

    private String eta(double rate) {
        return rate <= 0 || total <= done ? "-" : Duration.ofSeconds((long) ((total - done) / rate)).toString();
    }

    private String clockTime(double rate) {
        if (rate <= 0 || total <= done) {
            return "-";
        }
        long s = (long) ((total - done) / rate);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
}
