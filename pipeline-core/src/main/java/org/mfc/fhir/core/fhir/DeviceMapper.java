package org.mfc.fhir.core.fhir;

import java.util.ArrayList;
import java.util.List;

import org.hl7.fhir.r5.model.CodeableReference;
import org.hl7.fhir.r5.model.Device;
import org.hl7.fhir.r5.model.Reference;
import org.mfc.fhir.core.ids.DeterministicIds;
import org.mfc.fhir.core.model.DeviceIdentity;
import org.mfc.fhir.core.model.Reading;
import org.mfc.fhir.core.model.Systems;

/**
 * The Devices a reading names: the measuring device and, for AVA4 and Qube-Vital, the gateway or kiosk it reported
 * through, linked with R5 {@code Device.gateway}. R5 has no {@code Device.patient}: the patient link is
 * {@code Observation.subject}.
 */
public final class DeviceMapper {

    public List<MappedResource> map(Reading reading) {
        List<MappedResource> out = new ArrayList<>(2);
        Device device = device(reading.device());
        if (reading.gateway() != null && !reading.gateway().equals(reading.device())) {
            device.addGateway(new CodeableReference(
                    new Reference("Device/" + DeterministicIds.deviceId(reading.gateway()))));
            out.add(new MappedResource(device(reading.gateway()), null, DeterministicIds.deviceId(reading.gateway()),
                    null, null));
        }
        out.add(0, new MappedResource(device, null, DeterministicIds.deviceId(reading.device()), null, null));
        return out;
    }

    static Device device(DeviceIdentity identity) {
        Device d = new Device();
        d.setId(DeterministicIds.deviceId(identity));
        d.addIdentifier().setSystem(system(identity)).setValue(displayId(identity));
        d.setStatus(Device.FHIRDeviceStatus.ACTIVE);
        if (identity.model() != null) {
            d.setDisplayName(identity.model());
        }
        DeviceTypes.describe(d, identity.model());
        MappingVersion.tag(d);
        return d;
    }

    private static String system(DeviceIdentity identity) {
        return switch (identity.type()) {
            case BLE_MAC -> Systems.BLE_MAC;
            case BOX_MAC -> Systems.BOX_MAC;
            case IMEI -> Systems.IMEI;
        };
    }

    /** EUI-48 in its canonical written form (upper case, colons); IMEIs as digits. */
    private static String displayId(DeviceIdentity identity) {
        if (identity.type() == org.mfc.fhir.core.model.IdType.IMEI) {
            return identity.id();
        }
        return eui48(identity.id());
    }

    /** A normalised MAC (12 upper-case hex digits) as the Device identifier holds it: {@code D6:16:F9:64:16:22}. */
    public static String eui48(String normalisedMac) {
        StringBuilder sb = new StringBuilder(17);
        for (int i = 0; i < normalisedMac.length(); i += 2) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(normalisedMac, i, Math.min(i + 2, normalisedMac.length()));
        }
        return sb.toString();
    }
}
