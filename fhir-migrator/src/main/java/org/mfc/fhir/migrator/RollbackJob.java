package org.mfc.fhir.migrator;

import java.time.Clock;
import java.util.HashSet;
import java.util.Set;

import org.bson.Document;
import org.mfc.fhir.core.migrate.LegacyFhirDocuments;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;

/**
 * {@code rollback}: removes what the migration added to the FHIR database, and nothing else. {@code convert}'s
 * resources are those with {@code source_system = fhir-migrator}; {@code move-fhir}'s are those with
 * {@code migrated_from.db} = the main database. Resources written by the live pipeline are never touched (a
 * resource the migrator inserted first keeps the migrator as its writer, see docs/decisions.md). The legacy database
 * is never modified, so a rollback followed by a new run reproduces the same result. A move whose source was
 * already dropped cannot be rolled back (the copy is then the only one): refused.
 */
public final class RollbackJob {

    public static final String OP = "rollback";

    private final MongoDatabase main;
    private final MongoDatabase fhir;
    private final MigrationSettings settings;
    private final Clock clock;

    public RollbackJob(MongoClient client, MigrationSettings settings, Clock clock) {
        this.main = client.getDatabase(settings.mainDb());
        this.fhir = client.getDatabase(settings.fhirDb());
        this.settings = settings;
        this.clock = clock;
    }

    public RunReport run(boolean convert, boolean move) {
        RunReport report = new RunReport(OP, clock.instant(), 1.0);
        Set<String> present = new HashSet<>();
        fhir.listCollectionNames().forEach(present::add);
        Set<String> inMain = new HashSet<>();
        main.listCollectionNames().forEach(inMain::add);
        Document deleted = new Document();
        for (String c : LegacyFhirDocuments.COLLECTIONS) {
            if (!present.contains(c)) {
                continue;
            }
            long n = 0;
            if (convert) {
                n += fhir.getCollection(c).deleteMany(Filters.eq("source_system", ConvertJob.SOURCE_SYSTEM))
                        .getDeletedCount();
            }
            if (move) {
                var moved = Filters.eq(LegacyFhirDocuments.MIGRATED_FROM + ".db", settings.mainDb());
                if (!inMain.contains(c) && fhir.getCollection(c).countDocuments(moved) > 0) {
                    report.failures.add(c + ": the source in " + settings.mainDb()
                            + " was dropped after the move; its copy is the only one and is kept");
                } else {
                    n += fhir.getCollection(c).deleteMany(moved).getDeletedCount();
                }
            }
            deleted.append(c, n);
        }
        Checkpoints checkpoints = new Checkpoints(fhir);
        if (convert) {
            checkpoints.reset(ConvertJob.OP);
            // What rederive's history pass wrote is gone with convert's: its progress must not say otherwise.
            checkpoints.reset(ConvertJob.REDERIVE_OP);
            new RejectLog(fhir).clear();
        }
        if (move) {
            checkpoints.reset(MoveFhirJob.OP);
        }
        report.details.append("deleted", deleted);
        report.finished = clock.instant();
        report.write(settings.reportDir());
        return report;
    }
}
