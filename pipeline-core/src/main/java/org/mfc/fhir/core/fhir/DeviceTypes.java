package org.mfc.fhir.core.fhir;

import java.util.Map;

import org.hl7.fhir.r5.model.CodeableConcept;
import org.hl7.fhir.r5.model.Device;
import org.mfc.fhir.core.model.Systems;

/**
 * What a Device is, as the HL7 Personal Health Device guide writes it: {@code Device.type} with the IEEE 11073
 * device specialization (a blood-pressure monitor, a pulse oximeter...) or, for a gateway, the application hosting
 * device; manufacturer and model where the fleet's model name tells them. Keyed by the model name the parsers give
 * ({@code DeviceModels}); a model not listed gets its name only.
 */
final class DeviceTypes {

    private record Type(String mdc, String referenceId, String manufacturer, String model) {
    }

    private static final Type GATEWAY = new Type("531981", "MDC_MOC_VMS_MDS_AHD", null, null);
    private static final String BPM = "528391";
    private static final String OXIMETER = "528388";
    private static final String THERMOMETER = "528392";
    private static final String SCALE = "528399";
    private static final String GLUCOSE = "528401";

    private static final Map<String, Type> BY_MODEL = Map.ofEntries(
            Map.entry("WBP BIOLIGHT", new Type(BPM, "MDC_DEV_SPEC_PROFILE_BPM", "Biolight", "WBP")),
            Map.entry("BLE BPG", new Type(BPM, "MDC_DEV_SPEC_PROFILE_BPM", null, "BPG")),
            Map.entry("WBP JUMPER", new Type(BPM, "MDC_DEV_SPEC_PROFILE_BPM", "Jumper", "WBP")),
            Map.entry("Contour Elite", new Type(GLUCOSE, "MDC_DEV_SPEC_PROFILE_GLUCOSE", "Ascensia", "Contour Elite")),
            Map.entry("Contour", new Type(GLUCOSE, "MDC_DEV_SPEC_PROFILE_GLUCOSE", "Ascensia", "Contour")),
            Map.entry("Accu-Chek Instant", new Type(GLUCOSE, "MDC_DEV_SPEC_PROFILE_GLUCOSE", "Roche",
                    "Accu-Chek Instant")),
            Map.entry("Oximeter JUMPER", new Type(OXIMETER, "MDC_DEV_SPEC_PROFILE_PULS_OXIM", "Jumper", null)),
            Map.entry("IR Thermometer JUMPER", new Type(THERMOMETER, "MDC_DEV_SPEC_PROFILE_TEMP", "Jumper", null)),
            Map.entry("Thermometer JUMPER", new Type(THERMOMETER, "MDC_DEV_SPEC_PROFILE_TEMP", "Jumper", null)),
            Map.entry("Body Scale JUMPER", new Type(SCALE, "MDC_DEV_SPEC_PROFILE_SCALE", "Jumper", null)),
            Map.entry("AVA4", GATEWAY),
            Map.entry("Qube-Vital HV01", new Type(GATEWAY.mdc, GATEWAY.referenceId, null, "HV01")),
            Map.entry("Kati Watch", new Type(null, null, "Kati", null)));

    private DeviceTypes() {
    }

    static void describe(Device device, String modelName) {
        Type t = modelName == null ? null : BY_MODEL.get(modelName);
        if (t == null) {
            return;
        }
        if (t.mdc() != null) {
            CodeableConcept type = device.addType();
            type.addCoding(Systems.MDC, t.mdc(), t.referenceId());
            type.setText(modelName);
        }
        if (t.manufacturer() != null) {
            device.setManufacturer(t.manufacturer());
        }
        if (t.model() != null) {
            device.setModelNumber(t.model());
        }
    }
}
