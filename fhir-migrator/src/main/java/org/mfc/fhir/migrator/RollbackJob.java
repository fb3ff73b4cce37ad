package org.mfc.fhir.migrator;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
                long gone = inMain.contains(c) ? missingFromSource(c, moved) : 0;
                if (!inMain.contains(c) && fhir.getCollection(c).countDocuments(moved) > 0) {
                    report.failures.add(c + ": the source in " + settings.mainDb()
                            + " was dropped after the move; its copy is the only one and is kept");
                } else if (gone > 0) {
                    // A collection of that name again (recreated after --drop-source, or emptied) is not the source
                    // the copies came from: deleting them would lose the only copy of those documents.
                    report.failures.add(c + ": " + gone + " moved document(s) are no longer in " + settings.mainDb()
                            + "." + c + "; its copies are the only ones and are kept");
                } else {
                    n += fhir.getCollection(c).deleteMany(moved).getDeletedCount();
                }
            }
            deleted.append(c, n);
        }
        Checkpoints checkpoints = new Checkpoints(fhir, settings.mainDb());
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

    /** How many of the copies moved from {@code collection} have no source document of their id any more. */
    private long missingFromSource(String collection, org.bson.conversions.Bson moved) {
        long missing = 0;
        List<Object> ids = new ArrayList<>(1_000);
        for (Document d : fhir.getCollection(collection).find(moved)
                .projection(new Document(LegacyFhirDocuments.MIGRATED_FROM + "._id", 1))) {
            ids.add(d.get(LegacyFhirDocuments.MIGRATED_FROM, Document.class).get("_id"));
            if (ids.size() == 1_000) {
                missing += ids.size() - main.getCollection(collection).countDocuments(Filters.in("_id", ids));
                ids.clear();
            }
        }
        if (!ids.isEmpty()) {
            missing += ids.size() - main.getCollection(collection).countDocuments(Filters.in("_id", ids));
        }
        return missing;
    }
}
