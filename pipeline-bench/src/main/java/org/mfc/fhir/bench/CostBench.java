package org.mfc.fhir.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.bson.RawBsonDocument;
import org.mfc.fhir.core.messaging.Topics;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;

/**
 * What one reading costs each part of the pipeline at a fixed rate, measured around a step of steady load (after a
 * warm-up, from drained to drained): process CPU of each service (their {@code process_cpu_time_ns_total}) and, when
 * their pids are given, of the broker and the MongoDB stand-in; MongoDB round trips per service (the drivers' command
 * meters); documents and BSON bytes the databases gained; Kafka bytes produced and fetched. Everything divided by the
 * readings the devices got a 2xx for.
 *
 * <pre>
 * CostBench --url http://127.0.0.1:8080 --token JWT --rate 1000 --seconds 60 --warmup 30 --devices 1000
 *     --mongo mongodb://127.0.0.1:27017 --kafka 127.0.0.1:9092
 *     --ingest-metrics http://127.0.0.1:9000/q/metrics --worker-metrics http://127.0.0.1:9001/q/metrics
 *     [--pids DIR]   (kafka.pid, mongo.pid: the broker's and the stand-in's CPU too)
 *     --out DIR/cost-1 --summary DIR/cost.csv --label 1
 * </pre>
 */
public final class CostBench {

    static final String SUMMARY_HEADER = "label,rate,seconds,readings,ingest_cpu_us,worker_cpu_us,broker_cpu_us,"
            + "mongo_cpu_us,ingest_mongo_round_trips,worker_mongo_round_trips,worker_batches,readings_per_batch,"
            + "worker_max_round_trips_per_batch_per_collection,documents,stored_bytes,kafka_produced_bytes,"
            + "kafka_fetched_bytes";

    private static final String COMMANDS = "mongodb_driver_commands_seconds_count";

    public static void main(String[] args) throws Exception {
        Map<String, String> a = Args.parse(args);
        FleetLoad load = FleetLoad.from(a, 1000, "target/cost");
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "30"));
        URI ingestMetrics = URI.create(a.getOrDefault("ingest-metrics", "http://127.0.0.1:9000/q/metrics"));
        URI workerMetrics = URI.create(a.getOrDefault("worker-metrics", "http://127.0.0.1:9001/q/metrics"));
        Path pids = a.containsKey("pids") ? Path.of(a.get("pids")) : null;
        long clockTicks = Long.parseLong(a.getOrDefault("clk-tck", "100"));
        long total = (long) load.rate() * (warmup + load.seconds());
        Ava4Fleet fleet = new Ava4Fleet(load.devices(),
                Instant.now().getEpochSecond() - total / load.devices() - 3600);
        String topic = a.getOrDefault("topic", Topics.READINGS);
        String group = a.getOrDefault("group", "fhir-parser-worker");
        try (MongoClient mongo = MongoClients.create(a.getOrDefault("mongo", "mongodb://127.0.0.1:27017"));
                Admin admin = ConsumerLag.admin(a.getOrDefault("kafka", "127.0.0.1:9092"));
                OpenLoopGenerator gen = new OpenLoopGenerator(load.url().getHost(), load.url().getPort(), 256,
                        Duration.ofSeconds(20))) {
            MongoDatabase main = mongo.getDatabase(load.mainDb());
            MongoDatabase fhir = mongo.getDatabase(load.fhirDb());
            fleet.seed(main);
            if (warmup > 0) {
                gen.run(load.rate(), Duration.ofSeconds(warmup),
                        i -> fleet.request(i, "/api/v1/ava4", load.headers()));
            }
            drain(admin, topic, group);
            awaitFetchMeter(workerMetrics);
            Snapshot before = Snapshot.take(ingestMetrics, workerMetrics, pids, clockTicks, main, fhir);
            long base = (long) load.rate() * warmup;
            var step = gen.run(load.rate(), Duration.ofSeconds(load.seconds()),
                    i -> fleet.request(base + i, "/api/v1/ava4", load.headers()));
            drain(admin, topic, group);
            // The last batch's offsets are committed after its writes: a moment for them to land.
            TimeUnit.SECONDS.sleep(2);
            Snapshot after = Snapshot.take(ingestMetrics, workerMetrics, pids, clockTicks, main, fhir);
            report(a.getOrDefault("label", "1"), load.rate(), load.seconds(), step.count2xx(), before, after,
                    load.out(), Path.of(a.getOrDefault("summary", load.out() + "-summary.csv")));
        }
    }

    /**
     * Waits, at most 90 s, for the worker's per-topic fetch meter: the Kafka client binder registers a topic's meters
     * some time after the consumer first fetched from it, and a step read without it reports no fetched bytes.
     */
    private static void awaitFetchMeter(URI workerMetrics) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plusSeconds(90);
        while (Instant.now().isBefore(deadline)) {
            if (PromScrape.of(workerMetrics).samples("kafka_consumer_fetch_manager_bytes_consumed_total").stream()
                    .anyMatch(x -> x.labels().getOrDefault("topic", "").contains("readings"))) {
                return;
            }
            TimeUnit.SECONDS.sleep(1);
        }
    }

    /**
     * Waits until the worker's group has no lag on {@code topic}. A topic that does not drain within 300 s ends the
     * run: counters read around a step that is still being processed would report a cost per reading that is wrong.
     */
    private static void drain(Admin admin, String topic, String group) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(300);
        long lag;
        while ((lag = ConsumerLag.of(admin, topic, group)) != 0) {
            if (!Instant.now().isBefore(deadline)) {
                throw new IllegalStateException("topic " + topic + " not drained within 300 s (lag " + lag
                        + "): no cost is reported for this run");
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    /** Counters at one moment. */
    private record Snapshot(double ingestCpuNs, double workerCpuNs, double brokerCpuNs, double mongoCpuNs,
            Map<String, Double> ingestCommands, Map<String, Double> workerCommands, double workerBatches,
            double producedBytes, double fetchedBytes, Map<String, Long> documents, Map<String, Long> bytes,
            Map<String, Double> threadCpuNs) {

        static Snapshot take(URI ingestMetrics, URI workerMetrics, Path pids, long clockTicks, MongoDatabase main,
                MongoDatabase fhir) throws IOException, InterruptedException {
            PromScrape ingest = PromScrape.of(ingestMetrics);
            PromScrape worker = PromScrape.of(workerMetrics);
            Map<String, Long> documents = new TreeMap<>();
            Map<String, Long> bytes = new TreeMap<>();
            storage(fhir, documents, bytes);
            storage(main, documents, bytes);
            return new Snapshot(ingest.sum("process_cpu_time_ns_total"), worker.sum("process_cpu_time_ns_total"),
                    cpuNs(pids, "kafka", clockTicks), cpuNs(pids, "mongo", clockTicks), commands(ingest),
                    commands(worker), worker.sum("fhir_worker_batch_size_count"),
                    kafkaBytes(ingest, "kafka_producer_outgoing_byte_total",
                            l -> l.getOrDefault("client_id", "").contains("readings-out")),
                    // Per topic: the consumer's client id need not name the channel.
                    kafkaBytes(worker, "kafka_consumer_fetch_manager_bytes_consumed_total",
                            l -> l.getOrDefault("topic", "").contains("readings")),
                    documents, bytes, threadCpu(pids, clockTicks));
        }

        /**
         * CPU of the services' JIT compiler threads and of their GC and VM threads, from {@code /proc/<pid>/task}: the
         * share of a service's CPU that is the JVM's own work rather than the pipeline's (both stable in number on a
         * 2-core machine, one C1 and one C2 compiler thread).
         */
        private static Map<String, Double> threadCpu(Path dir, long clockTicks) {
            Map<String, Double> out = new TreeMap<>();
            if (dir == null) {
                return out;
            }
            for (String service : List.of("ingest-api", "fhir-parser-worker")) {
                try (var tasks = Files.list(Path.of("/proc", Files.readString(dir.resolve(service + ".pid")).trim(),
                        "task"))) {
                    for (Path task : tasks.toList()) {
                        String comm = Files.readString(task.resolve("comm")).trim();
                        String group = comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")
                                ? "JIT compiler threads" : comm.startsWith("GC Thread") || comm.startsWith("G1 ")
                                        || comm.equals("VM Thread") ? "GC and VM threads" : null;
                        if (group != null) {
                            String stat = Files.readString(task.resolve("stat"));
                            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                            out.merge(service + " " + group, (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1e9
                                    / clockTicks, Double::sum);
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // A thread that ended between the listing and the read: its CPU is left out of the group.
                }
            }
            return out;
        }

        /** Sum of the matching samples; NaN (reported blank) when the client exposes no such meter. */
        private static double kafkaBytes(PromScrape scrape, String name,
                java.util.function.Predicate<Map<String, String>> filter) {
            return scrape.samples(name).stream().anyMatch(x -> filter.test(x.labels())) ? scrape.sum(name, filter)
                    : Double.NaN;
        }

        /** Round trips by {@code collection command}, from the driver's command meter. */
        private static Map<String, Double> commands(PromScrape scrape) {
            Map<String, Double> out = new TreeMap<>();
            for (PromScrape.Sample s : scrape.samples(COMMANDS)) {
                out.merge(s.labels().getOrDefault("collection", "-") + " " + s.labels().getOrDefault("command", "?"),
                        s.value(), Double::sum);
            }
            return out;
        }

        /** Documents and BSON bytes per collection of one database, read whole (the benchmark's are small). */
        private static void storage(MongoDatabase db, Map<String, Long> documents, Map<String, Long> bytes) {
            for (String name : db.listCollectionNames()) {
                long n = 0;
                long size = 0;
                for (RawBsonDocument d : db.getCollection(name, RawBsonDocument.class).find().batchSize(2000)) {
                    n++;
                    size += d.getByteBuffer().remaining();
                }
                documents.put(db.getName() + "." + name, n);
                bytes.put(db.getName() + "." + name, size);
            }
        }

        /** User plus system CPU of the process whose pid is in {@code dir/name.pid}, from /proc; NaN if unknown. */
        private static double cpuNs(Path dir, String name, long clockTicks) {
            if (dir == null) {
                return Double.NaN;
            }
            try {
                String pid = Files.readString(dir.resolve(name + ".pid")).trim();
                String stat = Files.readString(Path.of("/proc", pid, "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // Fields 14 and 15 of /proc/<pid>/stat (utime, stime), counted after the command name.
                long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                return ticks * 1e9 / clockTicks;
            } catch (IOException | RuntimeException e) {
                return Double.NaN;
            }
        }
    }

    private static void report(String label, int rate, int seconds, long readings, Snapshot b, Snapshot e,
            Path out, Path summary) throws IOException {
        double n = Math.max(1, readings);
        double batches = e.workerBatches() - b.workerBatches();
        Map<String, Double> ingestTrips = delta(b.ingestCommands(), e.ingestCommands());
        Map<String, Double> workerTrips = delta(b.workerCommands(), e.workerCommands());
        double ingestTotal = ingestTrips.values().stream().mapToDouble(Double::doubleValue).sum();
        double workerTotal = workerTrips.values().stream().mapToDouble(Double::doubleValue).sum();
        Map<String, Double> perCollection = new TreeMap<>();
        workerTrips.forEach((k, v) -> perCollection.merge(k.substring(0, k.indexOf(' ')), v, Double::sum));
        double maxPerBatch = perCollection.values().stream().mapToDouble(v -> v / Math.max(1, batches)).max()
                .orElse(0);
        Map<String, long[]> storage = new LinkedHashMap<>();
        e.documents().forEach((k, v) -> storage.put(k, new long[] {v - b.documents().getOrDefault(k, 0L),
                e.bytes().get(k) - b.bytes().getOrDefault(k, 0L)}));
        long docs = storage.values().stream().mapToLong(x -> x[0]).sum();
        long stored = storage.values().stream().mapToLong(x -> x[1]).sum();

        String row = String.join(",", label, Integer.toString(rate), Integer.toString(seconds),
                Long.toString(readings), us(e.ingestCpuNs() - b.ingestCpuNs(), n),
                us(e.workerCpuNs() - b.workerCpuNs(), n), us(e.brokerCpuNs() - b.brokerCpuNs(), n),
                us(e.mongoCpuNs() - b.mongoCpuNs(), n), f3(ingestTotal / n), f3(workerTotal / n), f0(batches),
                f1(n / Math.max(1, batches)), f2(maxPerBatch), f3(docs / n), f0(stored / n),
                bytes(e.producedBytes() - b.producedBytes(), n), bytes(e.fetchedBytes() - b.fetchedBytes(), n));
        if (!Files.exists(summary)) {
            Files.createDirectories(summary.toAbsolutePath().getParent());
            Files.writeString(summary, SUMMARY_HEADER + "\n");
        }
        Files.writeString(summary, row + "\n", StandardOpenOption.APPEND);

        StringBuilder detail = new StringBuilder("kind,name,per_reading,per_batch\n");
        ingestTrips.forEach((k, v) -> detail.append("ingest round trips,").append(k).append(',').append(f3(v / n))
                .append(",\n"));
        workerTrips.forEach((k, v) -> detail.append("worker round trips,").append(k).append(',').append(f3(v / n))
                .append(',').append(f2(v / Math.max(1, batches))).append('\n'));
        // Of each service's CPU per reading, the JVM's own threads (the rest is the pipeline, Kafka and HTTP threads).
        e.threadCpuNs().forEach((k, v) -> {
            double d = v - b.threadCpuNs().getOrDefault(k, 0.0);
            String service = k.substring(0, k.indexOf(' '));
            detail.append(service.startsWith("ingest") ? "ingest" : "worker").append(" CPU µs,")
                    .append(k.substring(k.indexOf(' ') + 1)).append(',').append(f1(d / 1000 / n)).append(",\n");
        });
        storage.forEach((k, v) -> {
            if (v[0] != 0 || v[1] != 0) {
                detail.append("documents,").append(k).append(',').append(f3(v[0] / n)).append(",\n");
                detail.append("stored bytes,").append(k).append(',').append(f0(v[1] / n)).append(",\n");
            }
        });
        Files.writeString(Path.of(out + "-detail.csv"), detail);
        System.out.println(SUMMARY_HEADER);
        System.out.println(row);
        System.out.print(detail);
    }

    private static Map<String, Double> delta(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> out = new TreeMap<>();
        after.forEach((k, v) -> {
            double d = v - before.getOrDefault(k, 0.0);
            if (d > 0) {
                out.put(k, d);
            }
        });
        return out;
    }

    private static String us(double ns, double readings) {
        return Double.isNaN(ns) ? "" : f1(ns / 1000 / readings);
    }

    private static String bytes(double total, double readings) {
        return Double.isNaN(total) ? "" : f0(total / readings);
    }

    private static String f0(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }

    private static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String f3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
