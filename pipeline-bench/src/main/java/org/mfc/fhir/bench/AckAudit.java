package org.mfc.fhir.bench;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.bson.Document;
import org.mfc.fhir.core.ids.DeterministicIds;
import org.mfc.fhir.core.legacy.LegacyNames;
import org.mfc.fhir.core.model.DeviceIdentity;
import org.mfc.fhir.core.model.IdType;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;

/**
 * Compares what devices were told with what the databases hold, by id: the Observation id of every acknowledged
 * reading of an {@link Ava4Fleet} is recomputed from the payload the device sent (deterministic ids), then looked
 * up in the FHIR database; legacy entries are counted per Observation id to catch double appends.
 */
public final class AckAudit {

    /** The verdict of one run. */
    public record Verdict(int acknowledged, int stored, int lost, int storedUnacknowledged, int unexplained,
            int legacyDuplicates, int legacyMissing) {

        public boolean clean() {
            return lost == 0 && unexplained == 0 && legacyDuplicates == 0 && legacyMissing == 0;
        }
    }

    /**
     * Documents per reply when reading everything back. A real MongoDB caps a reply at 16 MiB by itself; the stand-in
     * answers a find without a batch size in one reply, which past a million documents exceeds the driver's limit.
     * Ids are about 60 bytes each; a bucket of a long run holds hundreds of entries (tens of kilobytes).
     */
    private static final int AUDIT_BATCH = 5_000;
    private static final int BUCKET_BATCH = 50;

    private AckAudit() {
    }

    /** The Observation id of the blood-pressure panel of the fleet's request {@code i}. */
    public static String observationId(Ava4Fleet fleet, long i) {
        int d = fleet.device(i);
        DeviceIdentity cuff = new DeviceIdentity(IdType.BLE_MAC, Ava4Fleet.cuffMac(d), null);
        // The identity of the fact includes its value (mapping version 2): systolic and diastolic.
        String value = DeterministicIds.valueText(BigDecimal.valueOf(Ava4Fleet.systolic(i)), "mm[Hg]", null) + ";"
                + DeterministicIds.valueText(BigDecimal.valueOf(Ava4Fleet.diastolic(i)), "mm[Hg]", null);
        return DeterministicIds.observationId(DeterministicIds.observationKey(cuff,
                Ava4Fleet.patient(d).toHexString(), "85354-9", Instant.ofEpochSecond(fleet.scanTime(i)), value));
    }

    /**
     * @param acknowledged   fleet indices of the requests a device got a 2xx for
     * @param unacknowledged fleet indices attempted but never acknowledged (stored or not, both are allowed)
     */
    public static Verdict audit(MongoDatabase fhir, MongoDatabase main, Ava4Fleet fleet,
            Collection<Long> acknowledged, Collection<Long> unacknowledged) {
        Map<String, Long> expected = new HashMap<>();
        acknowledged.forEach(i -> expected.put(observationId(fleet, i), i));
        Set<String> attemptedButUnacked = new HashSet<>();
        unacknowledged.forEach(i -> attemptedButUnacked.add(observationId(fleet, i)));

        Set<String> stored = new HashSet<>();
        for (Document d : fhir.getCollection("fhir_observations").find(Filters.eq("code", "85354-9"))
                .projection(Projections.include("_id")).batchSize(AUDIT_BATCH)) {
            stored.add(d.getString("_id"));
        }
        int lost = 0;
        for (String id : expected.keySet()) {
            if (!stored.contains(id)) {
                lost++;
            }
        }
        int storedUnacked = 0;
        int unexplained = 0;
        for (String id : stored) {
            if (!expected.containsKey(id)) {
                if (attemptedButUnacked.contains(id)) {
                    storedUnacked++;
                } else {
                    unexplained++;
                }
            }
        }
        Map<String, Integer> legacyCounts = new HashMap<>();
        for (Document bucket : main.getCollection(LegacyNames.BLOOD_PRESSURE_HISTORIES).find()
                .batchSize(BUCKET_BATCH)) {
            for (Document entry : bucket.getList("data", Document.class)) {
                legacyCounts.merge(entry.getString("fhir_observation_id"), 1, Integer::sum);
            }
        }
        int legacyDuplicates = (int) legacyCounts.values().stream().filter(c -> c > 1).count();
        int legacyMissing = (int) expected.keySet().stream().filter(id -> !legacyCounts.containsKey(id)).count();
        return new Verdict(expected.size(), stored.size(), lost, storedUnacked, unexplained, legacyDuplicates,
                legacyMissing);
    }
}
