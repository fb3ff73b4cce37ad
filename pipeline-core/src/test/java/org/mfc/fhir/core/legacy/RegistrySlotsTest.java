package org.mfc.fhir.core.legacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.model.DeviceSlot;
import org.mfc.fhir.core.model.IdType;
import org.mfc.fhir.core.model.MeasurementKind;

/**
 * Live resolution and the migrator read the registry's device fields from one table ({@link DeviceSlot}); the
 * fields are those legacy-db.md section 1 lists.
 */
class RegistrySlotsTest {

    @Test
    void givenTheRegistry_whenLiveResolutionLooksUpAMeasuringDevice_thenItReadsEveryDocumentedDeviceField() {
        // amy_devices device fields of legacy-db.md, less mac_gw (the box: a gateway) and mac_watch (an IMEI).
        assertThat(PatientDirectory.AMY_DEVICE_FIELDS).containsExactlyInAnyOrder("mac_bps", "mac_dusun_bps",
                "mac_oxymeter", "mac_mgss_oxymeter", "mac_body_temp", "mac_weight", "mac_gluc", "mac_chol", "mac_ua",
                "mac_salt_meter");
        // patients device fields of legacy-db.md, less ava_mac_address (the box) and watch_mac_address (an IMEI).
        assertThat(PatientDirectory.PATIENT_DEVICE_FIELDS).containsExactlyInAnyOrder("blood_pressure_mac_address",
                "fingertip_pulse_oximeter_mac_address", "body_temperature_mac_address", "weight_scale_mac_address",
                "blood_glucose_mac_address", "uric_mac_address", "cholesterol_mac_address");
    }

    @Test
    void givenAKindTheMigratorAttributesToARegisteredMeter_whenResolvedLive_thenTheSameFieldsAreRead() {
        Arrays.stream(MeasurementKind.values()).map(DeviceSlot::of).filter(s -> s.idType == IdType.BLE_MAC)
                .forEach(slot -> {
                    assertThat(PatientDirectory.AMY_DEVICE_FIELDS).as(slot.name())
                            .containsAll(slot.amyDevicesFields);
                    if (slot.patientField != null) {
                        assertThat(PatientDirectory.PATIENT_DEVICE_FIELDS).as(slot.name())
                                .contains(slot.patientField);
                    }
                });
    }
}
