package org.mfc.fhir.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.mfc.fhir.core.legacy.LegacyNames;
import org.mfc.fhir.core.testing.LegacyDataGenerator;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;

/**
 * Writes a synthetic legacy database for benchmarks, demos and manual tests ({@link LegacyDataGenerator}: every known
 * quirk planted, deterministic from the seed) and a manifest of the planted bad entries. Test data only: this lives in
 * the bench module so that no service image can write it, or drop collections for it.
 *
 * <pre>
 * GenerateLegacyMain --mongo mongodb://127.0.0.1:27017 --main-db AMY_BENCH [--seed 42] [--patients 100]
 *     [--entries-per-bucket 20 | --history-entries 1000000] [--manifest FILE] [--replace]
 * </pre>
 *
 * {@code --replace} drops the collections the generator writes first; without it a database that has patients is
 * refused (exit 2). {@code --main-db} has no default: the database to overwrite is always named.
 */
public final class GenerateLegacyMain {

    private GenerateLegacyMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        List<String> rest = new ArrayList<>(List.of(args));
        boolean replace = rest.remove("--replace");
        Map<String, String> a;
        try {
            a = Args.parse(rest.toArray(String[]::new), java.util.Set.of("mongo", "main-db", "seed", "patients",
                    "entries-per-bucket", "history-entries", "manifest"));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        String mainDb = a.get("main-db");
        if (mainDb == null) {
            System.err.println("--main-db is required: the database the synthetic data is written to");
            return 2;
        }
        long seed = Long.parseLong(a.getOrDefault("seed", "42"));
        int patients = Integer.parseInt(a.getOrDefault("patients", "100"));
        int perBucket = a.containsKey("history-entries")
                ? LegacyDataGenerator.entriesPerBucketFor(Long.parseLong(a.get("history-entries")), patients)
                : Integer.parseInt(a.getOrDefault("entries-per-bucket", "20"));
        Path manifest = Path.of(a.getOrDefault("manifest", "generate-manifest-" + seed + ".json"));
        try (MongoClient client = MongoClients.create(a.getOrDefault("mongo", "mongodb://127.0.0.1:27017"))) {
            MongoDatabase main = client.getDatabase(mainDb);
            if (main.getCollection(LegacyNames.PATIENTS).countDocuments() > 0 && !replace) {
                System.err.println("database " + mainDb + " already has patients; use --replace to overwrite");
                return 2;
            }
            if (replace) {
                LegacyDataGenerator.collections().forEach(c -> main.getCollection(c).drop());
            }
            long started = System.nanoTime();
            LegacyDataGenerator.Manifest m = new LegacyDataGenerator(main, seed, patients, perBucket).generate();
            m.write(manifest);
            System.out.printf("generated %d history entries for %d patients (%d per bucket) in %.1f s; "
                    + "%d planted rejects, %d warnings; manifest %s%n", m.historyEntries(), patients, perBucket,
                    (System.nanoTime() - started) / 1e9, m.rejects().size(), m.warnings().size(), manifest);
            return 0;
        }
    }
}
