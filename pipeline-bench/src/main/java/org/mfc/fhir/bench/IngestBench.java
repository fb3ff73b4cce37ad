package org.mfc.fhir.bench;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

/**
 * Drives a running ingest API with open-loop load at several fixed rates and appends one report row per rate.
 *
 * <pre>
 * IngestBench --url http://127.0.0.1:8080 --path /api/v1/ava4 --rates 1000,2000,5000 --duration 20 --warmup 10
 *             --devices 500 --mode async --out docs/benchmarks/ingest [--token JWT] [--title T] [--command C]
 *             [--mongo mongodb://127.0.0.1:27017 [--main-db AMY]]   (registers the synthetic fleet first)
 * </pre>
 */
public final class IngestBench {

    public static void main(String[] args) throws Exception {
        Map<String, String> a = Args.parse(args);
        URI url = URI.create(a.getOrDefault("url", "http://127.0.0.1:8080"));
        String path = a.getOrDefault("path", "/api/v1/ava4");
        List<Integer> rates = Arrays.stream(a.getOrDefault("rates", "1000,2000").split(","))
                .map(String::trim).map(Integer::parseInt).toList();
        Duration duration = Duration.ofSeconds(Long.parseLong(a.getOrDefault("duration", "20")));
        Duration warmup = Duration.ofSeconds(Long.parseLong(a.getOrDefault("warmup", "10")));
        int devices = Integer.parseInt(a.getOrDefault("devices", "500"));
        String mode = a.getOrDefault("mode", "async");
        BenchReport report = new BenchReport(Path.of(a.getOrDefault("out", "docs/benchmarks/ingest")));
        Map<String, String> headers = new HashMap<>(Map.of("Content-Type", "application/json"));
        if (a.containsKey("token")) {
            headers.put("Authorization", "Bearer " + a.get("token"));
        }
        // Device times start far enough back that every reading of the run is in the past.
        long totalSeconds = warmup.toSeconds() + rates.size() * duration.toSeconds();
        long maxRate = rates.stream().mapToLong(Integer::longValue).max().orElse(1);
        long perDevice = (maxRate * totalSeconds) / devices * rates.size() + 1;
        Ava4Fleet fleet = new Ava4Fleet(devices, Instant.now().getEpochSecond() - perDevice - 3600);
        if (a.containsKey("mongo")) {
            // Registered devices, so that synchronous storage stores the readings instead of parking them.
            try (MongoClient mongo = MongoClients.create(a.get("mongo"))) {
                fleet.seed(mongo.getDatabase(a.getOrDefault("main-db", "AMY")));
            }
        }
        long[] offset = {0};
        try (OpenLoopGenerator gen = new OpenLoopGenerator(url.getHost(), url.getPort(), 256,
                Duration.ofSeconds(10))) {
            if (!warmup.isZero()) {
                var w = gen.run(rates.get(0), warmup, i -> fleet.request(offset[0] + i, path, headers));
                offset[0] += w.sent();
                System.out.printf("warm-up: %d requests, %d 2xx%n", w.sent(), w.count2xx());
            }
            for (int rate : rates) {
                long base = offset[0];
                var r = gen.run(rate, duration, i -> fleet.request(base + i, path, headers));
                offset[0] += r.sent();
                BenchReport.Row row = BenchReport.row(mode, r);
                report.append(row);
                System.out.printf("%s %5d req/s offered, %7.0f achieved: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms,"
                        + " max %.1f ms, errors %d %s%n", mode, rate, row.achievedRate(), row.p50(), row.p99(),
                        row.p999(), row.max(), row.errors(), row.statuses());
            }
        }
        report.render(a.getOrDefault("title", "Ingest API latency under open-loop load"),
                a.getOrDefault("command", "scripts/bench-ingest.sh"));
    }
}
