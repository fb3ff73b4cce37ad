package org.mfc.fhir.core.model;

import java.util.Objects;

/**
 * A physical device as the pipeline knows it: the normalised identifier (see {@code Identifiers}) and the model name
 * the device reported, used as the FHIR Device display name.
 */
public record DeviceIdentity(IdType type, String id, String model) {

    public DeviceIdentity {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
    }

    /** The stable key of this device across the pipeline: FHIR Device id, Kafka key, part of Observation ids. */
    public String key() {
        return switch (type) {
            case BLE_MAC -> "ble-" + id;
            case BOX_MAC -> "box-" + id;
            case IMEI -> "imei-" + id;
        };
    }
}
