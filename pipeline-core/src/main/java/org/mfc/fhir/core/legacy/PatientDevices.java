package org.mfc.fhir.core.legacy;

import static org.mfc.fhir.core.legacy.LegacyNames.AVA_MAC_ADDRESS;
import static org.mfc.fhir.core.legacy.LegacyNames.IMEI;
import static org.mfc.fhir.core.legacy.LegacyNames.MAC_GW;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.bson.Document;
import org.mfc.fhir.core.ids.Identifiers;
import org.mfc.fhir.core.model.DeviceIdentity;
import org.mfc.fhir.core.model.DeviceSlot;
import org.mfc.fhir.core.model.IdType;

/**
 * The devices the legacy registry attributes to one patient, per {@link DeviceSlot}, with identifiers normalised
 * (devices.md section 5). Registry spellings that do not normalise (a truncated MAC) are skipped, so the next
 * source in the resolution order is used.
 */
public final class PatientDevices {

    public static final PatientDevices NONE = new PatientDevices(Map.of(), null);

    private final Map<DeviceSlot, DeviceIdentity> bySlot;
    private final DeviceIdentity gateway;

    private PatientDevices(Map<DeviceSlot, DeviceIdentity> bySlot, DeviceIdentity gateway) {
        this.bySlot = bySlot;
        this.gateway = gateway;
    }

    /**
     * @param amyDevices the patient's {@code amy_devices} document, or null
     * @param patient    the {@code patients} document, or null
     * @param watches    the patient's {@code watches} documents
     */
    public static PatientDevices of(Document amyDevices, Document patient, List<Document> watches) {
        Map<DeviceSlot, DeviceIdentity> out = new EnumMap<>(DeviceSlot.class);
        for (DeviceSlot slot : DeviceSlot.values()) {
            if (slot.idType == null) {
                continue;
            }
            Optional<String> id = Optional.empty();
            for (String field : slot.amyDevicesFields) {
                id = id.or(() -> normalise(slot.idType, amyDevices == null ? null : amyDevices.get(field)));
            }
            if (slot == DeviceSlot.WATCH) {
                for (Document w : watches) {
                    id = id.or(() -> normalise(IdType.IMEI, w.get(IMEI)));
                }
            }
            if (slot.patientField != null) {
                id = id.or(() -> normalise(slot.idType, patient == null ? null : patient.get(slot.patientField)));
            }
            id.ifPresent(v -> out.put(slot, new DeviceIdentity(slot.idType, v, null)));
        }
        Optional<String> box = normalise(IdType.BOX_MAC, amyDevices == null ? null : amyDevices.get(MAC_GW))
                .or(() -> normalise(IdType.BOX_MAC, patient == null ? null : patient.get(AVA_MAC_ADDRESS)));
        return new PatientDevices(out, box.map(v -> new DeviceIdentity(IdType.BOX_MAC, v, null)).orElse(null));
    }

    public static Optional<String> normalise(IdType type, Object raw) {
        if (!(raw instanceof String s)) {
            return Optional.empty();
        }
        return type == IdType.IMEI ? Identifiers.imei(s) : Identifiers.mac(s);
    }

    public Optional<DeviceIdentity> device(DeviceSlot slot) {
        return Optional.ofNullable(bySlot.get(slot));
    }

    /** The patient's AVA4 box, the gateway of BLE devices; null when none is registered. */
    public DeviceIdentity gateway() {
        return gateway;
    }
}
