package org.mfc.fhir.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.mfc.fhir.bench.Ava4Fleet;
import org.mfc.fhir.bench.OpenLoopGenerator;

/**
 * Steady open-loop load from a device fleet, with the ledger a fault run is judged by: every reading a device got
 * a 2xx for, and every status the devices saw. Devices whose request failed retry it after the load (the same
 * payload, so a retry of a reading that was in fact stored is harmless), up to a bounded number of attempts.
 */
final class LoadRun {

    /** Indices of requests that were acknowledged (2xx), with the status of the acknowledgement. */
    final Map<Long, Integer> acknowledged = new ConcurrentHashMap<>();
    /** Indices whose last attempt was not acknowledged. */
    final Set<Long> unacknowledged = ConcurrentHashMap.newKeySet();
    /** Every status seen by clients (-1: no answer), over all attempts. */
    final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    final AtomicLong firstAsyncAfter = new AtomicLong();
    /** What each device saw during the load, request by request, for the timeline of the run. */
    final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    long sent;
    double achievedRate;

    /** One answer during the load: seconds after the load started, status (-1: none), latency from intended send. */
    record Answer(double atSeconds, int status, double latencyMs) {
    }

    private final Ava4Fleet fleet;
    private final Supplier<Map<String, String>> headers;
    private final long firstIndex;
    private final ConcurrentLinkedQueue<Long> retries = new ConcurrentLinkedQueue<>();

    LoadRun(Ava4Fleet fleet, Supplier<Map<String, String>> headers) {
        this(fleet, headers, 0);
    }

    /**
     * @param firstIndex fleet index of this run's first request: runs on one fleet with disjoint index ranges send
     *                   distinct readings (their ledgers can then be audited together)
     */
    LoadRun(Ava4Fleet fleet, Supplier<Map<String, String>> headers, long firstIndex) {
        this.fleet = fleet;
        this.headers = headers;
        this.firstIndex = firstIndex;
    }

    /** The fleet index after this run's last request: where a following run starts. */
    long nextIndex() {
        return firstIndex + sent;
    }

    /** Sends {@code rate} readings/s for {@code duration} to {@code ingestUrl} (the ingest API may be restarted). */
    void drive(Supplier<URI> ingestUrl, int rate, Duration duration) throws InterruptedException {
        URI url = ingestUrl.get();
        try (OpenLoopGenerator gen = new OpenLoopGenerator(url.getHost(), url.getPort(), 128,
                Duration.ofSeconds(10))) {
            // The generator sends request i at start + 20 ms + i / rate (its schedule), the origin of each latency.
            long start = System.nanoTime() + 20_000_000L;
            double intervalNanos = 1e9 / rate;
            var result = gen.run(rate, duration, i -> fleet.request(firstIndex + i, "/api/v1/ava4", headers.get()),
                    (i, status, body) -> {
                        long now = System.nanoTime();
                        answers.add(new Answer((now - start) / 1e9, status,
                                Math.max(0, now - start - i * intervalNanos) / 1e6));
                        record(firstIndex + i, status);
                    });
            sent = result.sent();
            achievedRate = result.achievedRate();
        }
        // A request that got no answer at all (still waiting when the load ended) is, for its device, not
        // acknowledged: it retries it like any other failure.
        for (long i = firstIndex; i < firstIndex + sent; i++) {
            if (!acknowledged.containsKey(i) && !unacknowledged.contains(i)) {
                record(i, -1);
            }
        }
    }

    /** Devices retry what was not acknowledged, as their firmware does, until acknowledged or out of attempts. */
    void retryUnacknowledged(Supplier<URI> ingestUrl, int attempts) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (int attempt = 0; attempt < attempts && !retries.isEmpty(); attempt++) {
            List<Long> batch = List.copyOf(retries);
            retries.clear();
            for (long i : batch) {
                var request = fleet.request(i, "/api/v1/ava4", headers.get());
                HttpRequest.Builder b = HttpRequest.newBuilder(ingestUrl.get().resolve("/api/v1/ava4"))
                        .timeout(Duration.ofSeconds(15))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(request.body().getBytes()));
                request.headers().forEach(b::header);
                int status;
                try {
                    status = http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (java.io.IOException e) {
                    status = -1;
                }
                record(i, status);
            }
        }
    }

    /**
     * An answer from a driver other than {@link #drive} (devices publishing over MQTT): {@code status} 2xx means the
     * device saw its message acknowledged.
     */
    void answered(long i, int status, double atSeconds, double latencyMs) {
        answers.add(new Answer(atSeconds, status, latencyMs));
        record(i, status);
    }

    /** Indices waiting to be retried by their devices (for a driver other than {@link #retryUnacknowledged}). */
    List<Long> takeRetries() {
        List<Long> batch = List.copyOf(retries);
        retries.clear();
        return batch;
    }

    void record(long i, int status) {
        statuses.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
        if (status / 100 == 2) {
            acknowledged.put(i, status);
            unacknowledged.remove(i);
        } else {
            unacknowledged.add(i);
            retries.add(i);
        }
    }

    String statusSummary() {
        Map<Integer, Long> sorted = new TreeMap<>();
        statuses.forEach((k, v) -> sorted.put(k, v.get()));
        return sorted.toString();
    }
}
