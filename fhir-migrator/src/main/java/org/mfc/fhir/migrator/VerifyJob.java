package org.mfc.fhir.migrator;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.hl7.fhir.r5.model.Observation;
import org.mfc.fhir.core.fhir.FhirJson;
import org.mfc.fhir.core.fhir.MappedResource;
import org.mfc.fhir.core.legacy.EntryProblem;
import org.mfc.fhir.core.legacy.LegacyEntryReader;
import org.mfc.fhir.core.legacy.LegacyNames;
import org.mfc.fhir.core.migrate.MigratedReadingMapper;
import org.mfc.fhir.core.model.MeasurementKind;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;

/**
 * {@code verify}: source against target. Reads the legacy database again with the same reader as {@code convert}
 * and checks, per kind, that the Observation of every convertible entry (and of every live-written entry) is in the
 * FHIR database, that every patient and hospital has its Patient and Organization, and compares the clinically
 * relevant fields (subject, device, code, effective time, value, components) of a sample of Observations with what
 * the source entry gives. Writes nothing but the report; exits non-zero on any missing resource or field mismatch.
 */
public final class VerifyJob {

    /** Missing resources named in the report (with their source), beyond the counts. */
    private static final int MAX_EXAMPLES = 20;
    /** Not soft-deleted: what the read API serves. */
    private static final org.bson.conversions.Bson VISIBLE = Filters.ne("is_deleted", true);

    public static final String OP = "verify";
    private static final String[] FIELDS = {"subject", "device", "code", "effectiveDateTime", "effectivePeriod",
        "valueQuantity", "component"};
    /** The same fields but the value: a daily count is compared by its own rule. */
    private static final String[] DAILY_FIELDS = {"subject", "device", "code", "effectivePeriod"};

    private final MongoDatabase main;
    private final MongoDatabase fhir;
    private final MigrationSettings settings;
    private final Clock clock;
    private final MigratedReadingMapper mapper = new MigratedReadingMapper();

    public VerifyJob(MongoClient client, MigrationSettings settings, Clock clock) {
        this.main = client.getDatabase(settings.mainDb());
        this.fhir = client.getDatabase(settings.fhirDb());
        this.settings = settings;
        this.clock = clock;
    }

    /** @param sampleEvery compare the fields of every n-th Observation (1 = all) */
    public RunReport run(int sampleEvery) {
        Instant started = clock.instant();
        RunReport report = new RunReport(OP, started, settings.maxRejectShare());
        FhirJson.warmUp();
        Document registry = new Document();
        registry.append(LegacyNames.PATIENTS, registryCheck(LegacyNames.PATIENTS, "fhir_patients", report));
        registry.append(LegacyNames.HOSPITALS, registryCheck(LegacyNames.HOSPITALS, "fhir_organizations", report));
        report.details.append("registry", registry);

        Map<String, long[]> perKind = new TreeMap<>();
        long[] live = {0, 0};
        long[] sample = {0, 0, 0};
        List<String> mismatchExamples = new ArrayList<>();
        List<String> missingExamples = new ArrayList<>();
        long total = 0;
        for (String c : LegacyEntryReader.historyCollections()) {
            total += Math.max(0, HistoryPass.countEntries(main, c));
        }
        HistoryPass pass = new HistoryPass(main, new RegistryCache(main), new LegacyEntryReader(clock.instant()),
                settings.batchSize(), new Progress(OP, total, settings.progressInterval(), clock));
        for (String c : LegacyEntryReader.historyCollections()) {
            pass.run(c, null, (collection, batch) -> {
                report.tally(collection).add(batch.tally);
                Map<String, MappedResource> expected = new HashMap<>();
                Map<String, String> sources = new HashMap<>();
                for (HistoryPass.Pending p : batch.readings) {
                    try {
                        for (MappedResource m : mapper.observations(p.reading(), p.patientId(), started)) {
                            expected.merge(m.id(), m, VerifyJob::stored);
                            sources.putIfAbsent(m.id(), p.reading().sourceRef());
                        }
                    } catch (RuntimeException e) {
                        // convert rejected it the same way (mapping-failed); nothing is expected in the target
                    }
                }
                Map<Object, Document> found = new HashMap<>();
                if (!expected.isEmpty()) {
                    // A soft-deleted Observation is one no reader sees: missing.
                    fhir.getCollection("fhir_observations").find(Filters.and(Filters.in("_id", expected.keySet()),
                            VISIBLE)).projection(Projections.include("resource_data"))
                            .forEach(d -> found.put(d.get("_id"), d));
                }
                for (MappedResource m : expected.values()) {
                    String kind = m.code();
                    long[] k = perKind.computeIfAbsent(kind, x -> new long[2]);
                    k[0]++;
                    Document target = found.get(m.id());
                    if (target == null) {
                        if (missingExamples.size() < MAX_EXAMPLES) {
                            missingExamples.add("Observation/" + m.id() + " from " + sources.get(m.id()));
                        }
                        continue;
                    }
                    k[1]++;
                    if (sample[0]++ % Math.max(1, sampleEvery) == 0) {
                        sample[1]++;
                        String diff = compare(m, target.get("resource_data", Document.class));
                        if (diff != null) {
                            sample[2]++;
                            if (mismatchExamples.size() < 10) {
                                mismatchExamples.add("Observation/" + m.id() + " " + diff);
                            }
                        }
                    }
                }
                Map<String, EntryProblem> liveIds = new HashMap<>();
                batch.live.forEach(l -> liveIds.putIfAbsent(l.observationId(), l.location()));
                live[0] += liveIds.size();
                if (!liveIds.isEmpty()) {
                    Set<Object> present = new HashSet<>();
                    fhir.getCollection("fhir_observations").find(Filters.and(Filters.in("_id", liveIds.keySet()),
                            VISIBLE)).projection(Projections.include("_id")).forEach(d -> present.add(d.get("_id")));
                    live[1] += present.size();
                    liveIds.forEach((id, at) -> {
                        if (!present.contains(id) && missingExamples.size() < MAX_EXAMPLES) {
                            missingExamples.add("Observation/" + id + " (live-written) from " + at.collection() + "/"
                                    + at.bucketId() + "/" + at.index());
                        }
                    });
                }
            });
        }
        Document kinds = new Document();
        long missing = 0;
        for (Map.Entry<String, long[]> e : perKind.entrySet()) {
            long m = e.getValue()[0] - e.getValue()[1];
            missing += m;
            kinds.append(e.getKey(), new Document("expected", e.getValue()[0]).append("found", e.getValue()[1])
                    .append("missing", m));
        }
        report.details.append("observations_by_loinc", kinds)
                .append("live_entries", new Document("expected", live[0]).append("found", live[1]))
                .append("sample", new Document("compared", sample[1]).append("mismatches", sample[2])
                        .append("examples", mismatchExamples));
        report.details.append("missing_examples", missingExamples);
        if (missing > 0) {
            report.failures.add(missing + " Observations of convertible entries are missing (examples with their "
                    + "source entry in missing_examples)");
        }
        if (live[0] != live[1]) {
            report.failures.add((live[0] - live[1]) + " live-written entries have no Observation (examples in "
                    + "missing_examples)");
        }
        if (sample[2] > 0) {
            report.failures.add(sample[2] + " sampled Observations differ from their source entry");
        }
        report.finished = clock.instant();
        report.write(settings.reportDir());
        return report;
    }

    private Document registryCheck(String source, String target, RunReport report) {
        long expected = 0;
        long found = 0;
        List<String> batch = new ArrayList<>();
        for (Document d : main.getCollection(source).find().projection(Projections.include("_id"))) {
            if (d.get("_id") instanceof ObjectId id) {
                expected++;
                batch.add(id.toHexString());
                if (batch.size() >= settings.batchSize()) {
                    found += fhir.getCollection(target).countDocuments(Filters.in("_id", batch));
                    batch.clear();
                }
            }
        }
        if (!batch.isEmpty()) {
            found += fhir.getCollection(target).countDocuments(Filters.in("_id", batch));
        }
        if (found != expected) {
            report.failures.add((expected - found) + " " + source + " have no resource in " + target
                    + missingRegistryExamples(source, target));
        }
        return new Document("expected", expected).append("found", found);
    }

    /** A few of the registry documents without a resource, by legacy _id (found again: failures are rare). */
    private String missingRegistryExamples(String source, String target) {
        List<String> examples = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (Document d : main.getCollection(source).find().projection(Projections.include("_id"))) {
            if (d.get("_id") instanceof ObjectId id) {
                ids.add(id.toHexString());
            }
            if (ids.size() >= settings.batchSize()) {
                collectMissing(target, ids, examples);
                ids.clear();
            }
            if (examples.size() >= MAX_EXAMPLES) {
                break;
            }
        }
        collectMissing(target, ids, examples);
        return examples.isEmpty() ? "" : ", e.g. " + source + " " + String.join(", ", examples);
    }

    private void collectMissing(String target, List<String> ids, List<String> examples) {
        if (ids.isEmpty() || examples.size() >= MAX_EXAMPLES) {
            return;
        }
        Set<Object> present = new HashSet<>();
        fhir.getCollection(target).find(Filters.in("_id", ids)).projection(Projections.include("_id"))
                .forEach(d -> present.add(d.get("_id")));
        for (String id : ids) {
            if (!present.contains(id) && examples.size() < MAX_EXAMPLES) {
                examples.add(id);
            }
        }
    }

    /** Of two expected Observations with one id, the one the store keeps: the first, or the higher daily count. */
    private static MappedResource stored(MappedResource first, MappedResource second) {
        if (daily(first) && ((Observation) second.resource()).getValueQuantity().getValue()
                .compareTo(((Observation) first.resource()).getValueQuantity().getValue()) > 0) {
            return second;
        }
        return first;
    }

    private static boolean daily(MappedResource m) {
        return MeasurementKind.STEPS.code.equals(m.code()) && m.resource() instanceof Observation o
                && o.hasValueQuantity();
    }

    /**
     * Null when the clinically relevant fields agree with what converting the source gives, else the first field
     * that differs. A day's step count is the day's maximum over every source (the live readings of that day too,
     * whose legacy entries convert skips): the stored count may be higher than the highest converted entry, never
     * lower (docs/decisions.md, "verify compares what convert means").
     */
    private static String compare(MappedResource expected, Document actual) {
        if (actual == null) {
            return "has no resource_data";
        }
        Document want = Document.parse(FhirJson.encode(expected.resource()));
        boolean daily = daily(expected);
        for (String f : daily ? DAILY_FIELDS : FIELDS) {
            if (!Objects.equals(want.get(f), actual.get(f))) {
                return "differs in " + f;
            }
        }
        if (daily) {
            Document q = actual.get("valueQuantity", Document.class);
            BigDecimal stored = q == null || !(q.get("value") instanceof Number n) ? null
                    : new BigDecimal(n.toString());
            BigDecimal converted = ((Observation) expected.resource()).getValueQuantity().getValue();
            if (stored == null || stored.compareTo(converted) < 0
                    || !Objects.equals(q.getString("code"), want.get("valueQuantity", Document.class).getString("code"))) {
                return "differs in valueQuantity (below the day's highest converted count)";
            }
        }
        return null;
    }
}
