package org.mfc.fhir.migrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.bson.Document;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;

/**
 * {@code rollback --convert} removes what rederive's history pass wrote (it writes as the migrator): its progress
 * must go with it, or the next {@code rederive} would find every collection done and leave the history missing.
 */
class RollbackAfterRederiveTest {

    private static final Path FIXTURE = Path.of("src/test/resources/v1-database");
    private static final String MAIN = "AMY_ROLLBACK";
    private static final String FHIR = "FHIR_ROLLBACK";

    @TempDir
    Path reports;

    private final MigrationDatabases dbs = new MigrationDatabases();
    private final MongoDatabase main = dbs.db(MAIN);
    private final MongoDatabase fhir = dbs.db(FHIR);

    @AfterEach
    void stop() {
        dbs.close();
    }

    private static void load(MongoDatabase db, String file) throws IOException {
        Document all = Document.parse(Files.readString(FIXTURE.resolve(file)));
        for (String collection : all.keySet()) {
            List<Document> docs = all.getList(collection, Document.class);
            if (!docs.isEmpty()) {
                db.getCollection(collection).insertMany(docs);
            }
        }
    }

    private RunReport rederive() {
        // No broker: the topic pass is skipped, the history pass is what this is about.
        return new RederiveJob(dbs.client, MigrationDatabases.settings(MAIN, FHIR, reports, 100),
                new RederiveJob.Settings(null, "unused", "unused", true, Duration.ofMinutes(5)), Clock.systemUTC())
                .run(false, true);
    }

    private long migrated() {
        Bson current = Filters.and(Filters.eq("source_system", ConvertJob.SOURCE_SYSTEM),
                Filters.ne("is_deleted", true));
        return fhir.getCollection("fhir_observations").countDocuments(current);
    }

    @Test
    void givenRederivedHistory_whenRolledBackAndRederivedAgain_thenTheHistoryIsConvertedAgain() throws IOException {
        load(main, "AMY.json");
        load(fhir, "MFC_FHIR_R5.json");
        rederive();
        long afterFirst = migrated();
        assertThat(afterFirst).isPositive();

        RunReport rollback = new RollbackJob(dbs.client, MigrationDatabases.settings(MAIN, FHIR, reports, 100),
                Clock.systemUTC()).run(true, false);
        assertThat(rollback.exitCode()).isZero();
        assertThat(migrated()).isZero();

        rederive();

        assertThat(migrated()).isEqualTo(afterFirst);
    }
}
