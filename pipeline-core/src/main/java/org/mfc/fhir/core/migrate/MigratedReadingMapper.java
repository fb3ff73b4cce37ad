package org.mfc.fhir.core.migrate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.hl7.fhir.r5.model.Device;
import org.hl7.fhir.r5.model.Observation;
import org.hl7.fhir.r5.model.Reference;
import org.mfc.fhir.core.fhir.DeviceMapper;
import org.mfc.fhir.core.fhir.MappedResource;
import org.mfc.fhir.core.fhir.ObservationMapper;
import org.mfc.fhir.core.ids.DeterministicIds;
import org.mfc.fhir.core.legacy.MigratedReading;
import org.mfc.fhir.core.model.Systems;

/**
 * A migrated reading to the resources to store: the Observations of the live pipeline's {@link ObservationMapper}
 * (so the same fact gets the same id whichever path wrote it) and the Devices it references. For a reading whose
 * device is a per-patient placeholder, the Observation id is computed from the same key layout with the
 * placeholder id in the device position, and the Device is a placeholder Device. Pure: no I/O.
 */
public final class MigratedReadingMapper {

    /** Identifier system of placeholder Devices standing for "the patient's device, not recorded". */
    public static final String PLACEHOLDER_DEVICE_SYSTEM = Systems.PROJECT_BASE + "/sid/legacy-placeholder-device";

    private final ObservationMapper observations = new ObservationMapper();
    private final DeviceMapper devices = new DeviceMapper();

    /**
     * @param asOf the migration's start: a step count of a day that had not ended by then is preliminary. No
     *             {@code issued} is written: the time the legacy application received the reading is not known,
     *             and an invented one would read as a fact
     */
    public List<MappedResource> observations(MigratedReading migrated, String patientId, Instant asOf) {
        List<MappedResource> mapped = observations.map(migrated.reading(),
                new ObservationMapper.Context(patientId, null, null, asOf));
        if (!migrated.placeholderDevice()) {
            return mapped;
        }
        String deviceId = migrated.reading().device().id();
        List<MappedResource> out = new ArrayList<>(mapped.size());
        for (MappedResource m : mapped) {
            Observation o = (Observation) m.resource();
            // The live key layout with the placeholder id in the device position (it has no type prefix).
            String liveKey = o.getIdentifierFirstRep().getValue();
            String key = deviceId + liveKey.substring(liveKey.indexOf('|'));
            o.setId(DeterministicIds.observationId(key));
            o.getIdentifierFirstRep().setValue(key);
            o.setDevice(new Reference("Device/" + deviceId));
            out.add(new MappedResource(o, patientId, deviceId, m.code(), m.effectiveTime()));
        }
        return out;
    }

    public List<MappedResource> devices(MigratedReading migrated) {
        if (!migrated.placeholderDevice()) {
            return devices.map(migrated.reading());
        }
        Device d = new Device();
        String id = migrated.reading().device().id();
        d.setId(id);
        d.addIdentifier().setSystem(PLACEHOLDER_DEVICE_SYSTEM).setValue(id);
        d.setDisplayName(migrated.reading().device().model());
        org.mfc.fhir.core.fhir.MappingVersion.tag(d);
        return List.of(new MappedResource(d, null, id, null, null));
    }
}
