package org.mfc.fhir.migrator;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.bson.Document;
import org.mfc.fhir.core.fhir.MappedResource;
import org.mfc.fhir.core.legacy.EntryProblem;
import org.mfc.fhir.core.legacy.LegacyEntryReader;
import org.mfc.fhir.core.legacy.RejectReason;
import org.mfc.fhir.core.migrate.LegacyFhirDocuments;
import org.mfc.fhir.core.migrate.MigratedReadingMapper;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;

/**
 * {@code analyze}: the dry run. Reads both databases and writes NOTHING to either (only the report file): counts
 * per source collection and kind, entries convertible or not with reasons, what already exists in the FHIR database
 * (old FHIR collections in both databases, Observations a convert would find already stored, checkpoints of earlier
 * runs), and an estimated duration of {@code convert}.
 */
public final class AnalyzeJob {

    public static final String OP = "analyze";

    private final MongoDatabase main;
    private final MongoDatabase fhir;
    private final MigrationSettings settings;
    private final Clock clock;
    private final MigratedReadingMapper mapper = new MigratedReadingMapper();

    public AnalyzeJob(MongoClient client, MigrationSettings settings, Clock clock) {
        this.main = client.getDatabase(settings.mainDb());
        this.fhir = client.getDatabase(settings.fhirDb());
        this.settings = settings;
        this.clock = clock;
    }

    public RunReport run() {
        RunReport report = new RunReport(OP, clock.instant(), settings.maxRejectShare());
        Document registry = new Document();
        for (String c : ConvertJob.REGISTRY) {
            registry.append(c, main.getCollection(c).countDocuments());
        }
        report.details.append("registry_documents", registry);
        report.details.append("old_fhir_collections", oldFhir());
        Document checkpoints = new Document();
        for (Document cp : fhir.getCollection(Checkpoints.COLLECTION).find()) {
            // Another source database's progress (or an unnamed one's) is not resumed from: convert reads it again.
            checkpoints.append(cp.getString("_id"), new Document("done", cp.get("done"))
                    .append("last_id", String.valueOf(cp.get("last_id")))
                    .append("source_db", cp.get(Checkpoints.SOURCE_DB)));
        }
        report.details.append("checkpoints", checkpoints);

        long total = 0;
        for (String c : LegacyEntryReader.historyCollections()) {
            total += Math.max(0, HistoryPass.countEntries(main, c));
        }
        Progress progress = new Progress(OP, total, settings.progressInterval(), clock);
        RegistryCache cache = new RegistryCache(main);
        HistoryPass pass = new HistoryPass(main, cache, new LegacyEntryReader(clock.instant()), settings.batchSize(),
                progress);
        long[] observations = {0};
        long[] existing = {0};
        for (String c : LegacyEntryReader.historyCollections()) {
            pass.run(c, null, (collection, batch) -> {
                Set<String> ids = new HashSet<>();
                for (HistoryPass.Pending p : batch.readings) {
                    try {
                        for (MappedResource m : mapper.observations(p.reading(), p.patientId(),
                                p.reading().reading().deviceTime())) {
                            ids.add(m.id());
                        }
                    } catch (RuntimeException e) {
                        String[] at = p.reading().sourceRef().split("/");
                        batch.tally.reject(new EntryProblem(at[0], at[1], Integer.parseInt(at[2]),
                                p.reading().reading().kind().name(), null, RejectReason.MAPPING_FAILED.code));
                        batch.tally.rejectedEntries++;
                    }
                }
                observations[0] += ids.size();
                existing[0] += ids.isEmpty() ? 0 : fhir.getCollection("fhir_observations")
                        .countDocuments(Filters.in("_id", ids));
                batch.tally.resources += ids.size();
                report.tally(collection).add(batch.tally);
            });
        }
        report.finished = clock.instant();
        Tally t = report.total();
        report.details.append("observations_to_convert", observations[0])
                .append("observations_already_in_fhir_db", existing[0])
                .append("convertible_entries", t.entries - t.rejectedEntries - t.live)
                .append("estimated_convert_duration", Duration.ofSeconds(
                        t.entries / Math.max(1, settings.expectedRate())).toString())
                .append("estimate_basis_entries_per_second", settings.expectedRate());
        report.write(settings.reportDir());
        return report;
    }

    /** The FHIR collections of the old system in both databases, with the number of each document shape. */
    private Document oldFhir() {
        Document out = new Document();
        Set<String> inMain = new HashSet<>();
        main.listCollectionNames().forEach(inMain::add);
        Set<String> inFhir = new HashSet<>();
        fhir.listCollectionNames().forEach(inFhir::add);
        for (String c : LegacyFhirDocuments.COLLECTIONS) {
            Document entry = new Document();
            if (inMain.contains(c)) {
                long envelopes = 0;
                long raw = 0;
                long other = 0;
                for (Document d : main.getCollection(c).find()) {
                    switch (LegacyFhirDocuments.shape(d)) {
                        case ENVELOPE -> envelopes++;
                        case RAW -> raw++;
                        default -> other++;
                    }
                }
                entry.append("main_db", new Document("envelope", envelopes).append("raw", raw)
                        .append("unrecognised", other));
            }
            if (inFhir.contains(c)) {
                entry.append("fhir_db", fhir.getCollection(c).countDocuments());
            }
            if (!entry.isEmpty()) {
                out.append(c, entry);
            }
        }
        return out;
    }
}
