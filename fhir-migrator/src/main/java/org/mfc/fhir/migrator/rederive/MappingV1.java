package org.mfc.fhir.migrator.rederive;

import java.util.ArrayList;
import java.util.List;

import org.mfc.fhir.core.ids.DeterministicIds;
import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.model.Reading;

/**
 * The Observation ids mapping version 1 gave a reading: {@code hash(device | patient | code | epoch seconds
 * [| sub-kind])}, without the value. Re-derivation uses them to find what version 1 stored for a reading (its
 * documents and the legacy entries that carry their ids), never to write anything.
 */
final class MappingV1 {

    private MappingV1() {
    }

    /** The code version 1 wrote for a kind: a watch's and an object's temperature were body temperatures. */
    static String code(MeasurementKind kind) {
        return switch (kind) {
            case SKIN_TEMPERATURE, OBJECT_TEMPERATURE -> MeasurementKind.BODY_TEMPERATURE.code;
            default -> kind.code;
        };
    }

    /** The id of the reading's own Observation (the one its legacy entry carries). */
    static String primaryId(Reading r, String patientId) {
        return id(r.device().key(), patientId, code(r.kind()), r.deviceTime().getEpochSecond(), null);
    }

    /** Every id version 1 gave the reading: its own, its pulse's heart rate, its separate components. */
    static List<String> ids(Reading r, String patientId) {
        List<String> out = new ArrayList<>(3);
        long t = r.deviceTime().getEpochSecond();
        out.add(primaryId(r, patientId));
        for (MeasurementKind.Component c : r.kind().components) {
            if (c.ownObservation() && r.value(c.key()) != null) {
                out.add(id(r.device().key(), patientId, c.code(), t, c.key()));
            }
        }
        if (r.value(MeasurementKind.PULSE) != null && r.kind() != MeasurementKind.HEART_RATE) {
            out.add(id(r.device().key(), patientId, MeasurementKind.HEART_RATE.code, t, null));
        }
        return out;
    }

    private static String id(String deviceKey, String patientId, String code, long seconds, String subKind) {
        String key = deviceKey + "|" + patientId + "|" + code + "|" + seconds;
        return DeterministicIds.observationId(subKind == null ? key : key + "|" + subKind);
    }
}
