package org.mfc.fhir.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mfc.fhir.infra.MongoWireServer;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

/** The synthetic legacy database's command: what it writes, what it refuses. */
class GenerateLegacyMainTest {

    @TempDir
    Path dir;

    private MongoWireServer server;
    private MongoClient client;

    @BeforeEach
    void start() {
        server = MongoWireServer.inMemory().start(0);
        client = MongoClients.create(server.connectionString());
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private int run(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--mongo";
        all[1] = server.connectionString();
        System.arraycopy(args, 0, all, 2, args.length);
        return GenerateLegacyMain.run(all);
    }

    @Test
    void givenAnEmptyDatabase_whenGenerated_thenPatientsHistoryAndManifestAreWritten() {
        Path manifest = dir.resolve("manifest.json");

        assertThat(run("--main-db", "AMY_GEN", "--seed", "5", "--patients", "4", "--entries-per-bucket", "10",
                "--manifest", manifest.toString())).isZero();

        assertThat(client.getDatabase("AMY_GEN").getCollection("patients").countDocuments()).isGreaterThanOrEqualTo(4);
        assertThat(client.getDatabase("AMY_GEN").getCollection("blood_pressure_histories").countDocuments())
                .isPositive();
        assertThat(manifest).content().contains("\"seed\": 5", "\"rejects\"");
    }

    @Test
    void givenExistingPatients_whenGeneratedWithoutReplace_thenRefusedAndWithReplaceWritten() {
        Path manifest = dir.resolve("m.json");
        assertThat(run("--main-db", "AMY_GEN", "--patients", "1", "--entries-per-bucket", "1", "--manifest",
                manifest.toString())).isZero();

        assertThat(run("--main-db", "AMY_GEN", "--patients", "1", "--entries-per-bucket", "1", "--manifest",
                manifest.toString())).isEqualTo(2);
        assertThat(run("--main-db", "AMY_GEN", "--patients", "1", "--entries-per-bucket", "1", "--manifest",
                manifest.toString(), "--replace")).isZero();
    }

    @Test
    void givenAMistypedOption_whenRun_thenRefusedAndNothingWritten() {
        assertThat(run("--main-db", "AMY_TYPO", "--patient", "3", "--entries-per-bucket", "1")).isEqualTo(2);
        assertThat(client.getDatabase("AMY_TYPO").getCollection("patients").countDocuments()).isZero();
    }

    @Test
    void givenNoDatabaseName_whenRun_thenRefused() {
        assertThat(run("--patients", "1")).isEqualTo(2);
    }
}
