package org.mfc.fhir.migrator;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bson.Document;
import org.jboss.logging.Logger;
import org.mfc.fhir.core.migrate.LegacyFhirDocuments;
import org.mfc.fhir.core.model.Stage;
import org.mfc.fhir.core.store.FhirStore;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;

/**
 * {@code move-fhir} ("Phase 0"): copies the FHIR collections the old system left in the main database into the FHIR
 * database (old envelopes as they are, raw resources wrapped, both marked {@code migrated_from}), creates the
 * indexes, then verifies per collection that every source document is in the target with the same content (count
 * and an order-independent checksum over canonical JSON). The source is dropped only when that verification passed
 * AND {@code --drop-source} was given. Copy progress is checkpointed; verification always reads everything again.
 */
public final class MoveFhirJob {

    /** Source ids kept in memory while verifying, to report ids shared by several source documents. */
    private static final int MAX_IDS_REMEMBERED = 200_000;

    public static final String OP = "move-fhir";

    private static final Logger LOG = Logger.getLogger(MoveFhirJob.class);
    private static final int EXAMPLES = 5;

    private final MongoDatabase main;
    private final MongoDatabase fhir;
    private final MigrationSettings settings;
    private final Clock clock;
    private final FhirStore store;
    private final Checkpoints checkpoints;

    public MoveFhirJob(MongoClient client, MigrationSettings settings, Clock clock) {
        this.main = client.getDatabase(settings.mainDb());
        this.fhir = client.getDatabase(settings.fhirDb());
        this.settings = settings;
        this.clock = clock;
        this.store = new FhirStore(fhir);
        this.checkpoints = new Checkpoints(fhir, settings.mainDb());
    }

    public RunReport run(boolean dropSource) {
        RunReport report = new RunReport(OP, clock.instant(), settings.maxRejectShare());
        store.ensureIndexes();
        Set<String> present = new HashSet<>();
        main.listCollectionNames().forEach(present::add);
        Document results = new Document();
        long total = 0;
        for (String c : LegacyFhirDocuments.COLLECTIONS) {
            total += present.contains(c) ? main.getCollection(c).estimatedDocumentCount() : 0;
        }
        Progress progress = new Progress(OP, total, settings.progressInterval(), clock);
        for (String c : LegacyFhirDocuments.COLLECTIONS) {
            if (!present.contains(c)) {
                continue;
            }
            Tally tally = report.tally(c);
            copy(c, tally, progress);
            Document verification = verify(c);
            boolean ok = verification.getBoolean("verified");
            if (!ok) {
                List<String> why = verification.getList("mismatch_examples", String.class);
                report.failures.add(c + ": verification failed, source kept" + (why.isEmpty() ? ""
                        : " (" + why.get(0) + (why.size() > 1 ? "; " + (why.size() - 1) + " more in the report" : "")
                                + ")"));
            } else if (dropSource) {
                main.getCollection(c).drop();
                verification.append("source_dropped", true);
                LOG.infof("%s move-fhir %s verified and dropped from %s", Stage.MIGRATE, c, settings.mainDb());
            } else {
                verification.append("source_dropped", false);
            }
            results.append(c, verification);
        }
        report.details.append("collections", results).append("drop_source_requested", dropSource);
        report.finished = clock.instant();
        report.write(settings.reportDir());
        return report;
    }

    private void copy(String collection, Tally tally, Progress progress) {
        Document cp = checkpoints.load(OP, collection);
        if (cp != null && cp.getBoolean("done", false)) {
            tally.add(Tally.fromDocument(cp.get("counts", Document.class)));
            return;
        }
        Tally done = Tally.fromDocument(cp == null ? null : cp.get("counts", Document.class));
        Object last = cp == null ? null : cp.get("last_id");
        try (CheckpointedBatches batches = new CheckpointedBatches(checkpoints, OP, collection, last, done,
                settings.writers());
                MongoCursor<Document> cursor = main.getCollection(collection)
                        .find(last == null ? new Document() : Filters.gt("_id", last)).sort(Sorts.ascending("_id"))
                        .iterator()) {
            List<Document> batch = new ArrayList<>();
            Tally part = new Tally();
            while (cursor.hasNext()) {
                Document source = cursor.next();
                part.documents++;
                Document target = LegacyFhirDocuments.toTarget(source, settings.mainDb(), collection);
                if (target == null) {
                    part.reject(new org.mfc.fhir.core.legacy.EntryProblem(collection, String.valueOf(
                            source.get("_id")), -1, null, null, "unrecognised-fhir-document"));
                } else {
                    batch.add(target);
                }
                last = source.get("_id");
                if (part.documents >= settings.batchSize()) {
                    progress.add(part.documents);
                    submit(batches, collection, batch, part, last);
                    batch = new ArrayList<>();
                    part = new Tally();
                }
            }
            progress.add(part.documents);
            submit(batches, collection, batch, part, last);
            tally.add(batches.finish());
        }
    }

    private void submit(CheckpointedBatches batches, String collection, List<Document> batch, Tally part,
            Object last) {
        batches.submit(last, part, () -> {
            part.resources += batch.size();
            part.inserted += batch.isEmpty() ? 0 : store.insertIfAbsent(Map.of(collection, batch));
        });
    }

    /** Count and checksum of the source (as converted) against the documents with the same ids in the target. */
    private Document verify(String collection) {
        long sourceCount = 0;
        long unrecognised = 0;
        long found = 0;
        long sourceSum = 0;
        long targetSum = 0;
        long sharedIds = 0;
        // Ids seen in earlier batches, to name a shared id however far apart its documents are (up to a bound; past
        // it only ids within one batch are told apart, and verification fails all the same).
        java.util.Set<Object> seen = new java.util.HashSet<>();
        List<String> mismatches = new ArrayList<>();
        Map<Object, Long> pending = new LinkedHashMap<>();
        try (MongoCursor<Document> cursor = main.getCollection(collection).find().iterator()) {
            while (cursor.hasNext()) {
                Document target = LegacyFhirDocuments.toTarget(cursor.next(), settings.mainDb(), collection);
                if (target == null) {
                    unrecognised++;
                    continue;
                }
                sourceCount++;
                long h = LegacyFhirDocuments.contentHash(target);
                sourceSum += h;
                Object id = target.get("_id");
                boolean shared = pending.containsKey(id) || (seen.size() < MAX_IDS_REMEMBERED ? !seen.add(id)
                        : seen.contains(id));
                if (shared) {
                    // Two old documents under one target id (a raw resource's id repeated): one is stored, so this
                    // collection can never verify and its source is never dropped.
                    sharedIds++;
                    if (mismatches.size() < EXAMPLES) {
                        mismatches.add("several source documents have the target id " + target.get("_id")
                                + ": only one can be moved");
                    }
                }
                pending.merge(target.get("_id"), h, (a, b) -> a ^ b ^ Long.MIN_VALUE);
                if (pending.size() >= settings.batchSize()) {
                    long[] r = compare(collection, pending, mismatches);
                    found += r[0];
                    targetSum += r[1];
                    pending.clear();
                }
            }
        }
        long[] r = compare(collection, pending, mismatches);
        found += r[0];
        targetSum += r[1];
        boolean verified = unrecognised == 0 && found == sourceCount && sourceSum == targetSum
                && mismatches.isEmpty();
        return new Document("source_documents", sourceCount).append("unrecognised_documents", unrecognised)
                .append("found_in_target", found).append("source_checksum", Long.toHexString(sourceSum))
                .append("target_checksum", Long.toHexString(targetSum)).append("mismatch_examples", mismatches)
                .append("source_documents_sharing_an_id", sharedIds)
                .append("target_documents", fhir.getCollection(collection).countDocuments())
                .append("verified", verified);
    }

    /** @return {found, sum of target hashes} for the ids of {@code expected} */
    private long[] compare(String collection, Map<Object, Long> expected, List<String> mismatches) {
        if (expected.isEmpty()) {
            return new long[] {0, 0};
        }
        Map<Object, Long> actual = new HashMap<>();
        for (Document d : fhir.getCollection(collection).find(Filters.in("_id", expected.keySet()))) {
            actual.put(d.get("_id"), LegacyFhirDocuments.contentHash(d));
        }
        long found = 0;
        long sum = 0;
        for (Map.Entry<Object, Long> e : expected.entrySet()) {
            Long h = actual.get(e.getKey());
            if (h == null) {
                if (mismatches.size() < EXAMPLES) {
                    mismatches.add("missing " + e.getKey());
                }
                continue;
            }
            found++;
            sum += h;
            if (!h.equals(e.getValue()) && mismatches.size() < EXAMPLES) {
                mismatches.add("content differs " + e.getKey() + " (changed in the target since the move, or another "
                        + "source document with the same id)");
            }
        }
        return new long[] {found, sum};
    }
}
