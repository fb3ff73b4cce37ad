package org.mfc.fhir.core.migrate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.bson.Document;
import org.mfc.fhir.core.fhir.DeviceMapper;
import org.mfc.fhir.core.fhir.MappedResource;
import org.mfc.fhir.core.model.DeviceSlot;
import org.mfc.fhir.core.legacy.LegacyValues;
import org.mfc.fhir.core.legacy.PatientDevices;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.DeviceIdentity;
import org.mfc.fhir.core.model.IdType;
import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.model.Reading;

/**
 * Registry documents ({@code amy_boxes}, {@code amy_devices}, {@code watches}) to R5 Devices with the live
 * pipeline's conventions (ids {@code box-<MAC>}, {@code ble-<MAC>}, {@code imei-<IMEI>} from normalised
 * identifiers, {@code Device.gateway} from a BLE device to its box), by going through the live {@link DeviceMapper}.
 * Identifiers that do not normalise (a truncated MAC) give no Device and are counted by the caller.
 */
public final class RegistryDeviceMapper {

    /** A device document's outcome: the Devices, and the registry fields whose identifier did not normalise. */
    public record Result(List<MappedResource> devices, List<String> unusableFields) {
    }

    private final DeviceMapper devices = new DeviceMapper();

    public Result box(Document amyBox) {
        List<String> bad = new ArrayList<>();
        Optional<DeviceIdentity> box = identity(IdType.BOX_MAC, amyBox.get("mac_address"),
                LegacyValues.text(amyBox.get("model")), "mac_address", bad);
        return new Result(box.map(b -> devices.map(carrier(b, null))).orElse(List.of()), bad);
    }

    public Result watch(Document watch) {
        List<String> bad = new ArrayList<>();
        Optional<DeviceIdentity> w = identity(IdType.IMEI, watch.get("imei"),
                Optional.ofNullable(LegacyValues.text(watch.get("model"))).orElse("Kati Watch"), "imei", bad);
        return new Result(w.map(d -> devices.map(carrier(d, null))).orElse(List.of()), bad);
    }

    /** One Device per device field of an {@code amy_devices} document; BLE devices link to {@code mac_gw}. */
    public Result amyDevices(Document doc) {
        List<String> bad = new ArrayList<>();
        DeviceIdentity gateway = identity(IdType.BOX_MAC, doc.get("mac_gw"), null, "mac_gw", bad).orElse(null);
        Map<String, MappedResource> out = new java.util.LinkedHashMap<>();
        if (gateway != null) {
            devices.map(carrier(gateway, null)).forEach(m -> out.putIfAbsent(m.id(), m));
        }
        for (DeviceSlot slot : DeviceSlot.values()) {
            for (String field : slot.amyDevicesFields) {
                identity(slot.idType, doc.get(field), null, field, bad).ifPresent(d -> devices
                        .map(carrier(d, d.type() == IdType.BLE_MAC ? gateway : null))
                        .forEach(m -> out.putIfAbsent(m.id(), m)));
            }
        }
        return new Result(new ArrayList<>(out.values()), bad);
    }

    private static Optional<DeviceIdentity> identity(IdType type, Object raw, String model, String field,
            List<String> bad) {
        if (raw == null || (raw instanceof String s && s.isBlank())) {
            return Optional.empty();
        }
        Optional<String> id = PatientDevices.normalise(type, raw);
        if (id.isEmpty()) {
            bad.add(field);
        }
        return id.map(v -> new DeviceIdentity(type, v, model));
    }

    /** DeviceMapper maps the devices of a reading; a registry device is described by a reading-shaped carrier. */
    private static Reading carrier(DeviceIdentity device, DeviceIdentity gateway) {
        return new Reading(DeviceFamily.GENERIC, MeasurementKind.HEART_RATE, device, gateway, null, Instant.EPOCH,
                null, Map.of(), Map.of());
    }
}
