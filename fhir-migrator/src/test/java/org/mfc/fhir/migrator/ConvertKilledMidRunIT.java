package org.mfc.fhir.migrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mfc.fhir.core.legacy.LegacyEntryReader;
import org.mfc.fhir.core.testing.LegacyDataGenerator;
import org.mfc.fhir.infra.MongoWireServer;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;

/**
 * Safe to interrupt, safe to repeat, tested by killing a real process: the packaged migrator runs as a child JVM
 * against a file-backed Mongo wire server, is killed with SIGKILL in the middle of {@code convert}, and is run
 * again. The result must equal an uninterrupted run's: no duplicate, no gap, the same rejects.
 */
class ConvertKilledMidRunIT {

    private static final String MAIN = "AMY_KILL";
    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    /** Run-time stamps that differ between two runs by design; everything else must be identical. */
    private static final List<String> RUN_STAMPS = List.of("recorded_datetime", "created_at", "updated_at",
            "recorded_at");

    @TempDir
    static Path dir;

    private static MongoWireServer server;
    private static MongoClient client;
    private static LegacyDataGenerator.Manifest manifest;

    @BeforeAll
    static void legacyDatabase() {
        assertThat(JAR).as("the packaged migrator (run by failsafe after package)").exists();
        server = MongoWireServer.fileBacked(dir.resolve("mongo.mv")).start(0);
        client = MongoClients.create(server.connectionString());
        manifest = new LegacyDataGenerator(client.getDatabase(MAIN), 11, 24, 50).generate();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static Process convert(String fhirDb, String name) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-jar", JAR.toString(), "convert");
        pb.environment().put("MONGODB_URI", server.connectionString());
        pb.environment().put("MONGODB_MAIN_DB", MAIN);
        pb.environment().put("MONGODB_FHIR_DB", fhirDb);
        pb.environment().put("MIGRATION_BATCH_SIZE", "150");
        pb.environment().put("MIGRATION_REPORT_DIR", dir.resolve("reports-" + name).toString());
        pb.environment().put("MIGRATION_THREADS", "1");
        File log = dir.resolve(name + ".log").toFile();
        pb.redirectErrorStream(true).redirectOutput(log);
        return pb.start();
    }

    private static long checkpointedHistoryEntries(MongoDatabase fhir) {
        long n = 0;
        for (Document cp : fhir.getCollection(Checkpoints.COLLECTION).find()) {
            if (LegacyEntryReader.historyCollections().contains(cp.getString("collection"))) {
                n += ((Number) cp.get("counts", Document.class).get("entries")).longValue();
            }
        }
        return n;
    }

    @Test
    void givenConvertKilledMidRun_whenRunAgain_thenResultEqualsAnUninterruptedRun() throws Exception {
        MongoDatabase killed = client.getDatabase("FHIR_KILLED");
        Process first = convert("FHIR_KILLED", "first");
        long third = manifest.historyEntries() / 3;
        Awaitility.await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> !first.isAlive() || checkpointedHistoryEntries(killed) >= third);
        assertThat(first.isAlive()).as("still converting when killed (see first.log)").isTrue();
        first.destroyForcibly();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(first.exitValue()).isEqualTo(137);
        long checkpointed = checkpointedHistoryEntries(killed);
        assertThat(checkpointed).isLessThan(manifest.historyEntries());

        Process resumed = convert("FHIR_KILLED", "resumed");
        assertThat(resumed.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(resumed.exitValue()).as(Files.readString(dir.resolve("resumed.log"))).isZero();
        assertThat(Files.readString(dir.resolve("resumed.log"))).contains("resumes after bucket");

        Process clean = convert("FHIR_CLEAN", "clean");
        assertThat(clean.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(clean.exitValue()).isZero();

        Map<String, List<Document>> resumedResult = contents("FHIR_KILLED");
        Map<String, List<Document>> cleanResult = contents("FHIR_CLEAN");
        assertThat(resumedResult.get("fhir_observations")).isNotEmpty();
        assertThat(resumedResult.keySet()).isEqualTo(cleanResult.keySet());
        for (String c : cleanResult.keySet()) {
            assertThat(resumedResult.get(c)).as(c).isEqualTo(cleanResult.get(c));
        }
        assertThat(checkpointedHistoryEntries(killed)).isEqualTo(manifest.historyEntries());
        assertThat(resumedResult.get(RejectLog.COLLECTION).stream().filter(d -> "reject".equals(d.get("severity"))))
                .hasSize(manifest.rejects().size());
    }

    /** FHIR resources and the reject log, in _id order, without the run-time stamps. */
    private static Map<String, List<Document>> contents(String fhirDb) {
        Map<String, List<Document>> out = new TreeMap<>();
        MongoDatabase db = client.getDatabase(fhirDb);
        for (String c : db.listCollectionNames()) {
            if (!c.startsWith("fhir_") && !c.equals(RejectLog.COLLECTION)) {
                continue;
            }
            List<Document> docs = new ArrayList<>();
            for (Document d : db.getCollection(c).find().sort(new Document("_id", 1))) {
                RUN_STAMPS.forEach(d::remove);
                docs.add(d);
            }
            out.put(c, docs);
        }
        return out;
    }
}
