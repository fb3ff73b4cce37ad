package org.mfc.fhir.core.fhir;

import org.hl7.fhir.r5.model.Observation;
import org.hl7.fhir.r5.model.Reference;
import org.mfc.fhir.core.ids.DeterministicIds;
import org.mfc.fhir.core.model.Reading;
import org.mfc.fhir.core.model.Systems;

/**
 * The gateway a measurement was reported through, on the Observation itself (the HL7 Personal Health Device
 * guide's gateway extension): {@code Device.gateway} holds one gateway for a device's whole life, while a cuff may
 * be carried from one box to another.
 */
final class Gateways {

    private Gateways() {
    }

    static void mark(Observation o, Reading reading) {
        if (reading.gateway() != null && !reading.gateway().equals(reading.device())) {
            o.addExtension(Systems.GATEWAY_DEVICE_EXTENSION,
                    new Reference("Device/" + DeterministicIds.deviceId(reading.gateway())));
        }
    }
}
