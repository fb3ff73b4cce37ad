package org.mfc.fhir.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.bson.Document;
import org.mfc.fhir.core.messaging.Topics;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;

/**
 * MQTT end to end: a fleet of AVA4 boxes publishes on {@code dusun_pub} with QoS 1, open loop, at fixed rates; the
 * ingest API takes the messages from its shared subscription, the worker stores them. Reports per step the rate
 * sustained, publish-to-PUBACK latency (what a device waits), and freshness: the time the worker stored the
 * Observation minus the time the device was due to publish the reading (broker, ingest, Kafka and worker together).
 *
 * <pre>
 * MqttBench --host 127.0.0.1 --port 1883 --user ava4 --password ... --kafka 127.0.0.1:9092
 *           --mongo mongodb://127.0.0.1:27017 --rates 500,1000 --duration 30 --devices 1000 --connections 8
 *           --warmup 15 --out docs/benchmarks/mqtt
 * </pre>
 */
public final class MqttBench {

    private record Step(int rate, MqttFleetPublisher.Result result, Histogram puback, long first, long count) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = Args.parse(args);
        List<Integer> rates = Arrays.stream(a.getOrDefault("rates", "500,1000").split(",")).map(String::trim)
                .map(Integer::parseInt).toList();
        Duration duration = Duration.ofSeconds(Long.parseLong(a.getOrDefault("duration", "30")));
        Duration warmup = Duration.ofSeconds(Long.parseLong(a.getOrDefault("warmup", "0")));
        int devices = Integer.parseInt(a.getOrDefault("devices", "1000"));
        int connections = Integer.parseInt(a.getOrDefault("connections", "8"));
        String topic = a.getOrDefault("topic", Topics.READINGS);
        String group = a.getOrDefault("group", "fhir-parser-worker");
        Path out = Path.of(a.getOrDefault("out", "docs/benchmarks/mqtt"));
        int warmupRate = rates.get(0);
        long total = rates.stream().mapToLong(r -> r * duration.toSeconds()).sum() + warmupRate * warmup.toSeconds();
        Ava4Fleet fleet = new Ava4Fleet(devices, Instant.now().getEpochSecond() - total / devices - 3600);
        // Intended publish time (epoch ms) of every reading, to measure freshness from.
        long[] dueMs = new long[(int) total];
        long nanoToEpochMs = System.currentTimeMillis() - System.nanoTime() / 1_000_000;
        List<Step> steps = new ArrayList<>();
        try (MongoClient mongo = MongoClients.create(a.getOrDefault("mongo", "mongodb://127.0.0.1:27017"));
                Admin admin = ConsumerLag.admin(a.getOrDefault("kafka", "127.0.0.1:9092"));
                MqttFleetPublisher fleetPublisher = new MqttFleetPublisher(a.getOrDefault("host", "127.0.0.1"),
                        Integer.parseInt(a.getOrDefault("port", "1883")), a.getOrDefault("user", "ava4"),
                        a.get("password"), connections)) {
            MongoDatabase fhir = mongo.getDatabase(a.getOrDefault("fhir-db", "MFC_FHIR_R5"));
            fleet.seed(mongo.getDatabase(a.getOrDefault("main-db", "AMY")));
            long next = 0;
            if (warmup.toSeconds() > 0) {
                var w = fleetPublisher.run(fleet, 0, warmupRate, warmup, (i, code, latency, due) -> { });
                next = w.sent();
                awaitDrained(admin, topic, group);
                System.out.printf("warm-up: %d published, %d acknowledged%n", w.sent(), w.acknowledged());
            }
            Instant measuredFrom = Instant.now();
            for (int rate : rates) {
                Histogram puback = new ConcurrentHistogram(60_000_000L, 3);
                long first = next;
                var r = fleetPublisher.run(fleet, first, rate, duration, (i, code, latency, due) -> {
                    dueMs[(int) i] = nanoToEpochMs + due / 1_000_000;
                    if (code == MqttFleetPublisher.ACKNOWLEDGED) {
                        puback.recordValue(Math.min(60_000_000L, Math.max(1, latency / 1000)));
                    }
                });
                next += r.sent();
                steps.add(new Step(rate, r, puback, first, r.sent()));
                System.out.printf(Locale.ROOT, "%d msg/s: achieved %.0f, PUBACK %d, failed %d, p50 %.2f ms,"
                        + " p99 %.2f ms%n", rate, r.achievedRate(), r.acknowledged(), r.failed(),
                        puback.getValueAtPercentile(50) / 1000.0, puback.getValueAtPercentile(99) / 1000.0);
            }
            long expected = steps.stream().mapToLong(s -> s.result().acknowledged()).sum();
            long stored = awaitStored(fhir, measuredFrom, expected, admin, topic, group);
            System.out.printf("stored %d of %d acknowledged%n", stored, expected);
            write(out, a.getOrDefault("command", "scripts/bench-mqtt.sh"), steps,
                    freshness(fhir, fleet, measuredFrom, steps, dueMs), devices, connections);
        }
    }

    /** Per step, stored minus due (ms), by reading index. */
    private static List<Histogram> freshness(MongoDatabase fhir, Ava4Fleet fleet, Instant from, List<Step> steps,
            long[] dueMs) {
        Map<String, Integer> deviceOfCuff = new HashMap<>();
        for (int d = 0; d < fleet.size(); d++) {
            deviceOfCuff.put("ble-" + Ava4Fleet.cuffMac(d).replace(":", "").toUpperCase(Locale.ROOT), d);
        }
        List<Histogram> out = new ArrayList<>();
        steps.forEach(s -> out.add(new Histogram(3_600_000L, 3)));
        Instant end = Instant.now().plusSeconds(1);
        for (Instant t = from; t.isBefore(end); t = t.plusSeconds(10)) {
            for (Document d : fhir.getCollection("fhir_observations")
                    .find(Filters.and(Filters.eq("code", "85354-9"), Filters.gte("recorded_datetime", Date.from(t)),
                            Filters.lt("recorded_datetime", Date.from(t.plusSeconds(10)))))
                    .projection(Projections.include("recorded_datetime", "effective_datetime", "device_id"))) {
                Integer device = deviceOfCuff.get(d.getString("device_id"));
                if (device == null) {
                    continue;
                }
                long second = d.getDate("effective_datetime").toInstant().getEpochSecond();
                long i = (second - fleet.firstEpochSecond()) * fleet.size() + device;
                for (int k = 0; k < steps.size(); k++) {
                    Step s = steps.get(k);
                    if (i >= s.first() && i < s.first() + s.count() && dueMs[(int) i] > 0) {
                        long waited = d.getDate("recorded_datetime").getTime() - dueMs[(int) i];
                        out.get(k).recordValue(Math.max(0, Math.min(3_600_000L, waited)));
                    }
                }
            }
        }
        return out;
    }

    private static void write(Path out, String command, List<Step> steps, List<Histogram> freshness, int devices,
            int connections) throws Exception {
        StringBuilder md = new StringBuilder("# MQTT end to end: publish to stored Observation\n\nReproduce: `")
                .append(command).append("`\n\n").append(devices).append(" AVA4 boxes publishing on `dusun_pub`, QoS 1, ")
                .append("open loop, over ").append(connections).append(" connections; ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, every process on this machine.\n\n")
                .append("| offered msg/s | achieved msg/s | PUBACKs | failed | publish→PUBACK p50 ms | p99 ms | max ms"
                        + " | stored | freshness p50 ms | p99 ms | max ms |\n"
                        + "|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (int k = 0; k < steps.size(); k++) {
            Step s = steps.get(k);
            Histogram f = freshness.get(k);
            md.append(String.format(Locale.ROOT, "| %d | %.0f | %d | %d | %.2f | %.2f | %.2f | %d | %d | %d | %d |%n",
                    s.rate(), s.result().achievedRate(), s.result().acknowledged(), s.result().failed(),
                    s.puback().getValueAtPercentile(50) / 1000.0, s.puback().getValueAtPercentile(99) / 1000.0,
                    s.puback().getMaxValue() / 1000.0, f.getTotalCount(), f.getValueAtPercentile(50),
                    f.getValueAtPercentile(99), f.getMaxValue()));
        }
        md.append("\nPublish→PUBACK: from the time the reading was due (open loop) to the broker's acknowledgement to"
                + " the device. Freshness: the Observation's `recorded_datetime` minus that due time: broker queue,"
                + " ingest API (PUBACK to the broker only after Kafka acknowledged), Kafka and worker together.\n");
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(Path.of(out + ".md"), md.toString());
        System.out.println("report: " + out + ".md");
        System.out.print(md);
    }

    private static long awaitStored(MongoDatabase fhir, Instant from, long expected, Admin admin, String topic,
            String group) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        long stored = 0;
        while (System.nanoTime() < deadline) {
            stored = fhir.getCollection("fhir_observations").countDocuments(Filters.and(Filters.eq("code", "85354-9"),
                    Filters.gte("recorded_datetime", Date.from(from))));
            if (stored >= expected && ConsumerLag.of(admin, topic, group) == 0) {
                break;
            }
            TimeUnit.SECONDS.sleep(1);
        }
        return stored;
    }

    private static void awaitDrained(Admin admin, String topic, String group) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        do {
            TimeUnit.SECONDS.sleep(2);
        } while (ConsumerLag.of(admin, topic, group) > 0 && System.nanoTime() < deadline);
    }

}
