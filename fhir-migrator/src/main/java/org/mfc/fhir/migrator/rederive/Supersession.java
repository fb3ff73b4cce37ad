package org.mfc.fhir.migrator.rederive;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import org.mfc.fhir.core.legacy.LegacyNames;
import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.store.FhirStore;
import org.mfc.fhir.core.legacy.LegacyEntry;
import org.mfc.fhir.core.legacy.LegacyStore;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;

/**
 * What re-derivation does to what an older mapping stored, in both databases, each step idempotent so a resumed
 * run may redo it: an Observation that the new mapping gives another id (or refuses) is superseded, never deleted
 * (envelope {@code is_deleted: true}, {@code superseded_by}, {@code superseded_at}); a legacy entry is replaced
 * where it stands by the entry of the re-derived reading (so the legacy application sees one entry, in the
 * legacy field's unit, carrying the new Observation id) or removed when the reading is withdrawn.
 */
public final class Supersession {

    static final String SUPERSEDED_BY = "superseded_by";
    static final String SUPERSEDED_AT = "superseded_at";

    private final MongoDatabase fhir;
    private final MongoDatabase main;
    private final LegacyStore legacy;
    private final Instant now;

    public Supersession(MongoDatabase fhir, MongoDatabase main, Instant now) {
        this.fhir = fhir;
        this.main = main;
        this.legacy = new LegacyStore(main);
        this.now = now;
    }

    /**
     * Marks the Observations of {@code oldIds} written by an older mapping, and not among {@code replacedBy},
     * superseded by {@code replacedBy} (empty: withdrawn, the reading is refused now).
     *
     * @return how many became superseded
     */
    public long supersede(Collection<String> oldIds, Collection<String> replacedBy) {
        Set<String> stale = new LinkedHashSet<>(oldIds);
        stale.removeAll(replacedBy);
        if (stale.isEmpty()) {
            return 0;
        }
        Date at = Date.from(now);
        Bson filter = Filters.and(Filters.in("_id", stale), FhirStore.olderVersion(), Filters.ne("is_deleted", true));
        List<Bson> updates = new ArrayList<>(List.of(Updates.set("is_deleted", true), Updates.set(SUPERSEDED_AT, at),
                Updates.set("updated_at", at)));
        updates.add(Updates.addEachToSet(SUPERSEDED_BY, new ArrayList<>(replacedBy)));
        long changed = fhir.getCollection("fhir_observations").updateMany(filter, Updates.combine(updates))
                .getModifiedCount();
        // A document superseded by an earlier record of the same fact also learns what replaced it here.
        if (!replacedBy.isEmpty()) {
            fhir.getCollection("fhir_observations").updateMany(Filters.and(Filters.in("_id", stale),
                    Filters.eq("is_deleted", true), Filters.exists(SUPERSEDED_BY)),
                    Updates.addEachToSet(SUPERSEDED_BY, new ArrayList<>(replacedBy)));
        }
        return changed;
    }

    /**
     * The legacy entry carrying {@code oldId} becomes {@code entry}, where it stands; entries carrying
     * {@code alsoRemove} (merged into it) are removed. When no entry carries {@code oldId} (never appended, or
     * already replaced by another record of the same fact) the entry is appended, once.
     *
     * @return true when an entry was replaced or appended
     */
    boolean replaceEntry(LegacyEntry entry, String oldId, Collection<String> alsoRemove) {
        String collection = entry.kind().legacy.collection();
        Bson bucket = Filters.eq("patient_id", entry.patientId());
        boolean replaced = false;
        // A day's count keeps its own rule (the highest count of the day wins), not the order of re-derivation.
        if (oldId != null && entry.kind().aggregation != MeasurementKind.Aggregation.DAILY_MAXIMUM) {
            replaced = main.getCollection(collection).updateOne(Filters.and(bucket, Filters.eq("data."
                    + LegacyStore.ENTRY_ID_FIELD, oldId)), Updates.combine(Updates.set("data.$", entry.entry()),
                            Updates.set("updated_at", Date.from(now)), Updates.inc("__v", 1))).getModifiedCount() > 0;
        }
        if (!alsoRemove.isEmpty()) {
            removeEntries(collection, entry.patientId(), alsoRemove);
        }
        if (replaced) {
            refreshLast(entry);
        } else {
            legacy.write(List.of(entry), now);
        }
        return true;
    }

    /** Removes the entries carrying {@code ids} from the patient's buckets of {@code kind}'s collection. */
    void removeEntries(MeasurementKind kind, ObjectId patient, Collection<String> ids) {
        if (kind.legacy != null && !ids.isEmpty()) {
            removeEntries(kind.legacy.collection(), patient, ids);
        }
    }

    private void removeEntries(String collection, ObjectId patient, Collection<String> ids) {
        main.getCollection(collection).updateMany(Filters.and(Filters.eq("patient_id", patient),
                Filters.in("data." + LegacyStore.ENTRY_ID_FIELD, ids)), Updates.combine(Updates.pull("data",
                        Filters.in(LegacyStore.ENTRY_ID_FIELD, ids)), Updates.set("updated_at", Date.from(now))));
    }

    /**
     * {@code patients.last_*} held the replaced entry's reading (same measurement time): it takes the new entry,
     * in the legacy unit. A newer reading there stays.
     */
    private void refreshLast(LegacyEntry entry) {
        MeasurementKind.LegacyTarget target = entry.kind().legacy;
        if (target.lastField() == null) {
            return;
        }
        Document value = new Document(entry.entry());
        value.remove(LegacyStore.ENTRY_ID_FIELD);
        main.getCollection(LegacyNames.PATIENTS).updateOne(Filters.and(Filters.eq("_id", entry.patientId()),
                Filters.eq(target.lastField() + "." + target.prefix() + "_import_date",
                        Date.from(entry.deviceTime()))), Updates.set(target.lastField(), value));
    }
}
