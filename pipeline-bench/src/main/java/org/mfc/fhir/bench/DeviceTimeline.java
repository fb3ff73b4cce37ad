package org.mfc.fhir.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every request of a constant-rate run as the device saw it, kept whole (intended send time, status, latency) and
 * summed up per second of INTENDED send time: a request that waited 5 s counts against the second its device sent
 * it in, not the second it was answered in, so a second's p99 is what devices sending then felt.
 */
public final class DeviceTimeline {

    /** One second of sending. Latencies in milliseconds; {@code noAnswer}: transport failure or timeout. */
    public record Second(int second, int sent, int created, int accepted, int otherStatus, int noAnswer, double p50,
            double p99, double max) {

        static final String HEADER = "second,sent,201,202,other_status,no_answer,p50_ms,p99_ms,max_ms";

        String csv() {
            return String.format(Locale.ROOT, "%d,%d,%d,%d,%d,%d,%.2f,%.2f,%.2f", second, sent, created, accepted,
                    otherStatus, noAnswer, p50, p99, max);
        }

        static Second parse(String line) {
            String[] f = line.split(",");
            return new Second(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]),
                    Integer.parseInt(f[3]), Integer.parseInt(f[4]), Integer.parseInt(f[5]), Double.parseDouble(f[6]),
                    Double.parseDouble(f[7]), Double.parseDouble(f[8]));
        }
    }

    private final int rate;
    private final int[] status;
    private final int[] latencyUs;

    /** @param requests how many requests the run sends at {@code rate} per second */
    public DeviceTimeline(int rate, int requests) {
        this.rate = rate;
        this.status = new int[requests];
        this.latencyUs = new int[requests];
    }

    /** Request {@code index} ended: HTTP status or -1 (no answer), latency from its intended send time. */
    public synchronized void record(long index, int httpStatus, long latency) {
        if (index >= 0 && index < status.length) {
            status[(int) index] = httpStatus;
            latencyUs[(int) index] = (int) Math.min(Integer.MAX_VALUE, latency);
        }
    }

    /** Seconds after the load started at which request {@code index} was due. */
    public double intendedSeconds(long index) {
        return index / (double) rate;
    }

    public synchronized List<Second> seconds() {
        List<Second> out = new ArrayList<>();
        for (int first = 0; first < status.length; first += rate) {
            int last = Math.min(status.length, first + rate);
            int created = 0;
            int accepted = 0;
            int other = 0;
            int none = 0;
            double[] answered = new double[last - first];
            int n = 0;
            for (int i = first; i < last; i++) {
                switch (status[i]) {
                    case 201 -> created++;
                    case 202 -> accepted++;
                    case -1, 0 -> none++;
                    default -> other++;
                }
                if (status[i] > 0) {
                    answered[n++] = latencyUs[i] / 1000.0;
                }
            }
            double[] sorted = Arrays.copyOf(answered, n);
            Arrays.sort(sorted);
            out.add(new Second(first / rate, last - first, created, accepted, other, none, percentile(sorted, 50),
                    percentile(sorted, 99), n == 0 ? 0 : sorted[n - 1]));
        }
        return out;
    }

    /** A percentile of the latency of every answered request of the run, in milliseconds (100: the maximum). */
    public synchronized double percentile(double p) {
        double[] answered = new double[status.length];
        int n = 0;
        for (int i = 0; i < status.length; i++) {
            if (status[i] > 0) {
                answered[n++] = latencyUs[i] / 1000.0;
            }
        }
        double[] sorted = Arrays.copyOf(answered, n);
        Arrays.sort(sorted);
        return percentile(sorted, p);
    }

    /** Statuses over the whole run (-1: no answer). */
    public synchronized Map<Integer, Integer> statuses() {
        Map<Integer, Integer> counts = new TreeMap<>();
        for (int s : status) {
            counts.merge(s == 0 ? -1 : s, 1, Integer::sum);
        }
        return counts;
    }

    /** Fleet-relative indices of the requests answered 2xx (acknowledged) and of the others. */
    public synchronized List<List<Long>> acknowledgedAndNot(long firstIndex) {
        List<Long> acked = new ArrayList<>();
        List<Long> not = new ArrayList<>();
        for (int i = 0; i < status.length; i++) {
            (status[i] / 100 == 2 ? acked : not).add(firstIndex + i);
        }
        return List.of(acked, not);
    }

    /**
     * Seconds (intended send time) of the first request due at or after {@code fromSeconds} that was answered with
     * {@code httpStatus}, or -1.
     */
    public synchronized double firstWithStatus(int httpStatus, double fromSeconds) {
        for (int i = (int) Math.max(0, Math.ceil(fromSeconds * rate)); i < status.length; i++) {
            if (status[i] == httpStatus) {
                return intendedSeconds(i);
            }
        }
        return -1;
    }

    /** Seconds (intended send time) of the last request answered with {@code httpStatus}, or -1. */
    public synchronized double lastWithStatus(int httpStatus) {
        for (int i = status.length - 1; i >= 0; i--) {
            if (status[i] == httpStatus) {
                return intendedSeconds(i);
            }
        }
        return -1;
    }

    public static void write(Path csv, List<Second> seconds) throws IOException {
        StringBuilder sb = new StringBuilder(Second.HEADER).append('\n');
        seconds.forEach(s -> sb.append(s.csv()).append('\n'));
        Files.createDirectories(csv.toAbsolutePath().getParent());
        Files.writeString(csv, sb);
    }

    public static List<Second> read(Path csv) throws IOException {
        List<Second> out = new ArrayList<>();
        for (String line : Files.readAllLines(csv)) {
            if (!line.isBlank() && !line.startsWith("second,")) {
                out.add(Second.parse(line));
            }
        }
        return out;
    }

    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
