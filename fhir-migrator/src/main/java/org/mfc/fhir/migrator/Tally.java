package org.mfc.fhir.migrator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.bson.Document;
import org.mfc.fhir.core.legacy.EntryProblem;

/**
 * Counts of one source collection in one run (or up to a checkpoint): what was read, converted, skipped and
 * rejected, with a few example locations per reason. Stored in checkpoints, so a resumed run reports the totals of
 * the whole migration, not only of its own part.
 */
public final class Tally {

    static final int EXAMPLES = 5;

    long documents;
    long entries;
    /** Entries the live pipeline wrote (they carry {@code fhir_observation_id}); their Observations exist. */
    long live;
    /** Entries with at least one reading not converted. */
    long rejectedEntries;
    /** Resources mapped (Observations, Patients, Organizations, Devices). */
    long resources;
    /** Resources that were not stored yet and were inserted by this migration. */
    long inserted;
    /** Observations of an older mapping that a re-derivation superseded (rederive only). */
    long superseded;
    final Map<String, Long> readingsByKind = new TreeMap<>();
    final Map<String, Long> rejects = new TreeMap<>();
    final Map<String, List<Document>> rejectExamples = new TreeMap<>();
    final Map<String, Long> warnings = new TreeMap<>();
    final Map<String, List<Document>> warningExamples = new TreeMap<>();

    void reading(String kind) {
        readingsByKind.merge(kind, 1L, Long::sum);
    }

    void reject(EntryProblem p) {
        count(rejects, rejectExamples, p);
    }

    void warning(EntryProblem p) {
        count(warnings, warningExamples, p);
    }

    private static void count(Map<String, Long> counts, Map<String, List<Document>> examples, EntryProblem p) {
        counts.merge(p.reason(), 1L, Long::sum);
        List<Document> ex = examples.computeIfAbsent(p.reason(), k -> new ArrayList<>());
        if (ex.size() < EXAMPLES) {
            ex.add(RejectLog.toDocument(p));
        }
    }

    long rejectCount() {
        return rejects.values().stream().mapToLong(Long::longValue).sum();
    }

    void add(Tally o) {
        documents += o.documents;
        entries += o.entries;
        live += o.live;
        rejectedEntries += o.rejectedEntries;
        resources += o.resources;
        inserted += o.inserted;
        superseded += o.superseded;
        o.readingsByKind.forEach((k, v) -> readingsByKind.merge(k, v, Long::sum));
        merge(rejects, rejectExamples, o.rejects, o.rejectExamples);
        merge(warnings, warningExamples, o.warnings, o.warningExamples);
    }

    private static void merge(Map<String, Long> counts, Map<String, List<Document>> examples, Map<String, Long> oc,
            Map<String, List<Document>> oe) {
        oc.forEach((k, v) -> counts.merge(k, v, Long::sum));
        oe.forEach((k, v) -> {
            List<Document> ex = examples.computeIfAbsent(k, x -> new ArrayList<>());
            for (Document d : v) {
                if (ex.size() < EXAMPLES) {
                    ex.add(d);
                }
            }
        });
    }

    Document toDocument() {
        return new Document("documents", documents).append("entries", entries).append("live_entries", live)
                .append("rejected_entries", rejectedEntries).append("resources", resources)
                .append("inserted", inserted).append("superseded", superseded).append("readings_by_kind", new Document(new TreeMap<>(readingsByKind)))
                .append("rejects", new Document(new TreeMap<>(rejects)))
                .append("reject_examples", new Document(new TreeMap<>(rejectExamples)))
                .append("warnings", new Document(new TreeMap<>(warnings)))
                .append("warning_examples", new Document(new TreeMap<>(warningExamples)));
    }

    @SuppressWarnings("unchecked")
    static Tally fromDocument(Document d) {
        Tally t = new Tally();
        if (d == null) {
            return t;
        }
        t.documents = number(d.get("documents"));
        t.entries = number(d.get("entries"));
        t.live = number(d.get("live_entries"));
        t.rejectedEntries = number(d.get("rejected_entries"));
        t.resources = number(d.get("resources"));
        t.inserted = number(d.get("inserted"));
        t.superseded = number(d.get("superseded"));
        counts(d.get("readings_by_kind"), t.readingsByKind);
        counts(d.get("rejects"), t.rejects);
        counts(d.get("warnings"), t.warnings);
        examples(d.get("reject_examples"), t.rejectExamples);
        examples(d.get("warning_examples"), t.warningExamples);
        return t;
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    private static void counts(Object o, Map<String, Long> into) {
        if (o instanceof Document d) {
            d.forEach((k, v) -> into.put(k, number(v)));
        }
    }

    @SuppressWarnings("unchecked")
    private static void examples(Object o, Map<String, List<Document>> into) {
        if (o instanceof Document d) {
            d.forEach((k, v) -> into.put(k, new ArrayList<>((List<Document>) v)));
        }
    }
}
