package org.mfc.fhir.api.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.bson.Document;
import org.bson.conversions.Bson;
import org.mfc.fhir.api.search.DateRange;
import org.mfc.fhir.api.search.ObservationQuery;
import org.mfc.fhir.api.search.PageCursor;
import org.mfc.fhir.api.search.TokenValue;
import org.mfc.fhir.core.fhir.FhirEnvelope;
import org.mfc.fhir.core.store.MongoErrors;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.CountOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;

/**
 * The Observation searches, each a bounded range of one index named by a hint ({@link ReadIndexes}):
 * <ul>
 * <li>patient and codes: one range of {@code patient_id, coding, effective time, _id} per code, merged here in sort
 * order (the application does what MongoDB's explode-for-sort does, which the planner does not do on a multikey
 * index);</li>
 * <li>a device: {@code device_id, effective time, _id}, the patient a filter (a device has nearly always one);</li>
 * <li>a patient alone: {@code patient_id, effective time, _id}.</li>
 * </ul>
 * Category, a system in a code token and the deleted flag are filters on the documents the range yields. Paging is
 * keyset: the next page's range starts at the previous page's last (time, id), so no page skips over another.
 * Observations without an effective time (none the pipeline writes) are outside every search.
 */
public final class ObservationQueries {

    static final String EFFECTIVE = "effective_datetime";
    /**
     * The longest {@code effectivePeriod} the pipeline writes: a day's step count (one Thai calendar day) and a
     * night's sleep (at most 24 hours). A search bounding the end of an Observation looks this far back on the
     * effective-start index.
     */
    static final Duration LONGEST_PERIOD = Duration.ofHours(25);
    static final String CODINGS = "resource_data.code.coding.code";

    private final MongoCollection<Document> observations;
    private final long timeoutMs;

    public ObservationQueries(MongoDatabase db, Duration timeout) {
        this.observations = db.getCollection(ReadIndexes.OBSERVATIONS);
        this.timeoutMs = timeout.toMillis();
    }

    /** @param patientId the patient to search, already reconciled with the caller's compartment */
    public StoredPage search(ObservationQuery q, String patientId) {
        return MongoErrors.call("search Observations", () -> {
            if (q.countOnly()) {
                return new StoredPage(List.of(), null, count(q, patientId));
            }
            List<Document> found = new ArrayList<>();
            if (patientId != null && !q.codes().isEmpty() && q.deviceId() == null && allHaveCodes(q.codes())) {
                // One range per code; a document with two of the searched codings appears in both and is kept once.
                Map<Object, Document> merged = new LinkedHashMap<>();
                for (TokenValue code : q.codes()) {
                    Bson filter = Filters.and(Filters.eq("patient_id", patientId), Filters.eq(CODINGS, code.code()),
                            range(q.dates(), q.after(), q.ascending()), residual(q, code.system() != null));
                    for (Document d : page(filter, ReadIndexes.PATIENT_CODING_TIME, q)) {
                        merged.putIfAbsent(d.get("_id"), d);
                    }
                }
                found.addAll(merged.values());
                found.sort(order(q.ascending()));
            } else if (q.deviceId() != null) {
                Bson filter = and(Filters.eq("device_id", q.deviceId()),
                        range(q.dates(), q.after(), q.ascending()), residual(q, true),
                        patientId == null ? null : Filters.eq("patient_id", patientId));
                found.addAll(page(filter, ReadIndexes.DEVICE_TIME, q));
            } else {
                Bson filter = Filters.and(Filters.eq("patient_id", patientId),
                        range(q.dates(), q.after(), q.ascending()), residual(q, true));
                found.addAll(page(filter, ReadIndexes.PATIENT_TIME, q));
            }
            PageCursor next = null;
            if (found.size() > q.count()) {
                found = new ArrayList<>(found.subList(0, q.count()));
                Document last = found.get(found.size() - 1);
                next = new PageCursor(last.getDate(EFFECTIVE).toInstant(), last.getString("_id"));
            }
            return new StoredPage(found, next, -1);
        });
    }

    private long count(ObservationQuery q, String patientId) {
        Bson filter;
        Document hint;
        if (patientId != null && !q.codes().isEmpty() && q.deviceId() == null && allHaveCodes(q.codes())) {
            filter = Filters.and(Filters.eq("patient_id", patientId),
                    Filters.in(CODINGS, q.codes().stream().map(TokenValue::code).toList()),
                    range(q.dates(), null, false), residual(q, true));
            hint = ReadIndexes.PATIENT_CODING_TIME;
        } else if (q.deviceId() != null) {
            filter = and(Filters.eq("device_id", q.deviceId()), range(q.dates(), null, false), residual(q, true),
                    patientId == null ? null : Filters.eq("patient_id", patientId));
            hint = ReadIndexes.DEVICE_TIME;
        } else {
            filter = Filters.and(Filters.eq("patient_id", patientId), range(q.dates(), null, false),
                    residual(q, true));
            hint = ReadIndexes.PATIENT_TIME;
        }
        return observations.countDocuments(filter, new CountOptions().hint(hint)
                .maxTime(timeoutMs, TimeUnit.MILLISECONDS));
    }

    private List<Document> page(Bson filter, Document hint, ObservationQuery q) {
        int direction = q.ascending() ? 1 : -1;
        return observations.find(filter).hint(hint)
                .sort(Sorts.orderBy(direction > 0 ? Sorts.ascending(EFFECTIVE, "_id")
                        : Sorts.descending(EFFECTIVE, "_id")))
                .limit(q.count() + 1).maxTime(timeoutMs, TimeUnit.MILLISECONDS).into(new ArrayList<>());
    }

    /** {@code $and} of the terms that are not null. */
    static Bson and(Bson... terms) {
        List<Bson> present = new ArrayList<>();
        for (Bson t : terms) {
            if (t != null) {
                present.add(t);
            }
        }
        return Filters.and(present);
    }

    private static boolean allHaveCodes(List<TokenValue> codes) {
        return codes.stream().allMatch(t -> t.code() != null);
    }

    /**
     * The effective-time range: the date parameters, narrowed to start at the cursor. A cursor (t, id) of a newest-first
     * search leaves {@code time <= t} minus the entries of time t with an id not below the cursor's, which the
     * previous pages returned: the range starts at t in the index, the exclusion is decided on index keys. The index
     * holds the effective start; a bound on the end (an {@code effectivePeriod}'s: {@link DateRange}) widens the
     * range by the longest period the pipeline writes and is checked on the documents.
     */
    static Bson range(DateRange dates, PageCursor after, boolean ascending) {
        Instant lowest = dates.lowestStart(LONGEST_PERIOD);
        Instant below = dates.startBelow();
        Document bounds = new Document("$type", "date");
        if (lowest != null) {
            bounds.append("$gte", Date.from(lowest));
        }
        if (below != null) {
            bounds.append("$lt", Date.from(below));
        }
        Bson ends = ends(dates, lowest);
        if (after == null) {
            return ends == null ? new Document(EFFECTIVE, bounds) : Filters.and(new Document(EFFECTIVE, bounds), ends);
        }
        Date at = Date.from(after.effective());
        Bson page;
        if (ascending) {
            bounds.put("$gte", lowest != null && lowest.isAfter(after.effective()) ? Date.from(lowest) : at);
            page = Filters.and(new Document(EFFECTIVE, bounds),
                    Filters.nor(Filters.and(Filters.eq(EFFECTIVE, at), Filters.lte("_id", after.id()))));
        } else {
            if (below == null || below.isAfter(after.effective())) {
                bounds.remove("$lt");
                bounds.append("$lte", at);
            }
            page = Filters.and(new Document(EFFECTIVE, bounds),
                    Filters.nor(Filters.and(Filters.eq(EFFECTIVE, at), Filters.gte("_id", after.id()))));
        }
        return ends == null ? page : Filters.and(page, ends);
    }

    /**
     * The bounds on a match's end that the index range does not decide, as a filter on the documents: an
     * Observation's end is its {@code period_end}, or its effective time when it has none. Null when none is needed.
     */
    private static Bson ends(DateRange dates, Instant lowestStart) {
        List<Bson> filters = new ArrayList<>();
        // A start at or after endFrom ends after it too: only a range widened for periods needs the check.
        if (dates.endFrom() != null && (lowestStart == null || lowestStart.isBefore(dates.endFrom()))) {
            Date from = Date.from(dates.endFrom());
            filters.add(Filters.or(Filters.gte(FhirEnvelope.PERIOD_END, from), Filters.and(
                    Filters.eq(FhirEnvelope.PERIOD_END, null), Filters.gte(EFFECTIVE, from))));
        }
        if (dates.endTo() != null) {
            Date to = Date.from(dates.endTo());
            filters.add(Filters.or(Filters.lt(FhirEnvelope.PERIOD_END, to), Filters.and(
                    Filters.eq(FhirEnvelope.PERIOD_END, null), Filters.lt(EFFECTIVE, to))));
        }
        return filters.isEmpty() ? null : filters.size() == 1 ? filters.get(0) : Filters.and(filters);
    }

    /**
     * Filters applied to the documents of the index range: not deleted, category, and the code tokens when the range
     * does not already decide them ({@code codes}: with their systems).
     */
    static Bson residual(ObservationQuery q, boolean codes) {
        List<Bson> terms = new ArrayList<>();
        terms.add(Filters.ne("is_deleted", true));
        if (codes && !q.codes().isEmpty()) {
            terms.add(Filters.or(q.codes().stream().map(t -> coding("resource_data.code.coding", t)).toList()));
        }
        if (!q.categories().isEmpty()) {
            terms.add(category(q.categories()));
        }
        return Filters.and(terms);
    }

    static Bson category(List<TokenValue> categories) {
        return Filters.or(categories.stream().map(t -> Filters.elemMatch("resource_data.category",
                coding("coding", t))).toList());
    }

    /** A token as a match on an array of Codings: system and code in the same element. */
    static Bson coding(String path, TokenValue t) {
        List<Bson> match = new ArrayList<>();
        if (t.system() != null) {
            match.add(t.system().isEmpty() ? Filters.exists("system", false) : Filters.eq("system", t.system()));
        }
        if (t.code() != null) {
            match.add(Filters.eq("code", t.code()));
        }
        return Filters.elemMatch(path, Filters.and(match));
    }

    static Comparator<Document> order(boolean ascending) {
        Comparator<Document> c = Comparator.comparing((Document d) -> d.getDate(EFFECTIVE))
                .thenComparing(d -> d.getString("_id"));
        return ascending ? c : c.reversed();
    }

    /**
     * {@code $lastn}: per primary code ({@code code}, the group of FHIR's "same code"), the newest {@code max}
     * Observations of the patient. Without codes: the patient's primary codes from the core's
     * {@code patient_code_time} index, then one bounded range per code. With codes: one range per searched code on the
     * codings index, grouped by primary code (a coding belongs to one primary code in everything the pipeline writes;
     * docs/decisions.md). A category is checked on the newest Observations of a group; only a group of mixed categories
     * is read again with the category as a filter, so a group of another category costs one short range.
     *
     * @return groups by primary code (sorted), each newest first
     */
    public Map<String, List<Document>> lastn(String patientId, List<TokenValue> codes, List<TokenValue> categories,
            int max) {
        return MongoErrors.call("$lastn Observations", () -> {
            Map<String, List<Document>> groups = new TreeMap<>();
            if (codes.isEmpty()) {
                List<String> primaries = observations.distinct("code", Filters.eq("patient_id", patientId),
                        String.class).maxTime(timeoutMs, TimeUnit.MILLISECONDS).into(new ArrayList<>());
                for (String code : primaries) {
                    if (code == null) {
                        continue;
                    }
                    Bson filter = Filters.and(Filters.eq("patient_id", patientId), Filters.eq("code", code),
                            Filters.ne("is_deleted", true));
                    List<Document> newest = newest(filter, ReadIndexes.PATIENT_CODE_TIME, max, false);
                    List<Document> kept = byCategory(newest, categories, filter, ReadIndexes.PATIENT_CODE_TIME,
                            max, false);
                    if (!kept.isEmpty()) {
                        groups.put(code, kept);
                    }
                }
                return groups;
            }
            Map<Object, Document> seen = new LinkedHashMap<>();
            for (TokenValue code : codes) {
                Bson filter = and(Filters.eq("patient_id", patientId), Filters.eq(CODINGS, code.code()),
                        new Document(EFFECTIVE, new Document("$type", "date")), Filters.ne("is_deleted", true),
                        code.system() == null ? null : coding("resource_data.code.coding", code));
                List<Document> newest = newest(filter, ReadIndexes.PATIENT_CODING_TIME, max, true);
                for (Document d : byCategory(newest, categories, filter, ReadIndexes.PATIENT_CODING_TIME, max,
                        true)) {
                    seen.putIfAbsent(d.get("_id"), d);
                }
            }
            for (Document d : seen.values()) {
                groups.computeIfAbsent(String.valueOf(d.get("code")), k -> new ArrayList<>()).add(d);
            }
            groups.replaceAll((k, v) -> {
                v.sort(order(false));
                return new ArrayList<>(v.subList(0, Math.min(max, v.size())));
            });
            return groups;
        });
    }

    private List<Document> newest(Bson filter, Document hint, int max, boolean withId) {
        return observations.find(filter).hint(hint)
                .sort(withId ? Sorts.descending(EFFECTIVE, "_id") : Sorts.descending(EFFECTIVE))
                .limit(max).maxTime(timeoutMs, TimeUnit.MILLISECONDS).into(new ArrayList<>());
    }

    private List<Document> byCategory(List<Document> newest, List<TokenValue> categories, Bson filter, Document hint,
            int max, boolean withId) {
        if (categories.isEmpty() || newest.isEmpty()) {
            return newest;
        }
        List<Document> matching = newest.stream().filter(d -> Categories.matches(d, categories)).toList();
        if (matching.size() == newest.size() || matching.isEmpty()) {
            return matching;
        }
        return newest(Filters.and(filter, category(categories)), hint, max, withId);
    }

    /** Whether one of the patient's Observations was measured by {@code deviceId} (a patient's access to a Device). */
    public boolean measuredBy(String patientId, String deviceId) {
        return MongoErrors.call("check a Device's patient", () -> observations
                .find(Filters.and(Filters.eq("device_id", deviceId), Filters.eq("patient_id", patientId),
                        Filters.ne("is_deleted", true)))
                .hint(ReadIndexes.DEVICE_TIME).projection(new Document("_id", 1)).limit(1)
                .maxTime(timeoutMs, TimeUnit.MILLISECONDS).first() != null);
    }
}
