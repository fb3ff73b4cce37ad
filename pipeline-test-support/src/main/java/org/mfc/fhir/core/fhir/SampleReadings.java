package org.mfc.fhir.core.fhir;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.DeviceIdentity;
import org.mfc.fhir.core.model.IdType;
import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.model.PatientHint;
import org.mfc.fhir.core.model.Reading;

/**
 * One typical reading of every {@link MeasurementKind}, built the way the family parsers emit them (Kati: IMEI
 * device, no gateway; AVA4: BLE device behind a box; Qube-Vital: BLE device behind a kiosk with a patient hint).
 * Shared by the golden, validation and store tests of every module (test-jar). Synthetic values only.
 */
public final class SampleReadings {

    public static final Instant DEVICE_TIME = Instant.parse("2025-04-06T18:25:11Z");
    public static final Instant RECEIVED = Instant.parse("2025-04-06T18:25:20.123Z");
    public static final String PATIENT = "65f000000000000000000001";
    public static final DeviceIdentity AVA4_BOX = new DeviceIdentity(IdType.BOX_MAC, "08F9E0D1F7B4", "AVA4");
    public static final DeviceIdentity QUBE_BOX = new DeviceIdentity(IdType.BOX_MAC, "E45F01ED8259", "Qube-Vital");
    public static final DeviceIdentity WATCH = new DeviceIdentity(IdType.IMEI, "862487060000001", "Kati Watch");
    /** Start of the Thai-local day 2025-04-07 (UTC+7) in UTC: the device time of that day's step count. */
    public static final Instant THAI_DAY_START = Instant.parse("2025-04-06T17:00:00Z");

    private SampleReadings() {
    }

    public static Reading of(MeasurementKind kind) {
        return switch (kind) {
            case BLOOD_PRESSURE -> ava4(kind, "D616F9641622", "WBP BIOLIGHT",
                    values("systolic", "137", "diastolic", "95", "pulse", "74"), Map.of());
            case HEART_RATE -> kati(kind, values("value", "72"), Map.of());
            case SPO2 -> ava4(kind, "C0A1B2C3D4E5", "Oximeter JUMPER", values("value", "97", "pulse", "80", "pi", "5.2"),
                    Map.of());
            case BODY_TEMPERATURE -> ava4(kind, "C0A1B2C3D4E6", "IR Thermometer JUMPER", values("value",
                    "36.43000031"), Map.of("mode", "Head"));
            case SKIN_TEMPERATURE -> kati(kind, values("value", "36.1"), Map.of("site", "wrist"));
            case OBJECT_TEMPERATURE -> ava4(kind, "C0A1B2C3D4E6", "IR Thermometer JUMPER", values("value", "25.5"),
                    Map.of("mode", "Object"));
            case BODY_WEIGHT -> ava4(kind, "C0A1B2C3D4E7", "Body Scale JUMPER",
                    values("value", "64.5", "resistance", "512"), Map.of());
            case BODY_HEIGHT -> ava4(kind, "C0A1B2C3D4E7", "Body Scale JUMPER", values("value", "165"), Map.of());
            case BMI -> ava4(kind, "C0A1B2C3D4E7", "Body Scale JUMPER", values("value", "23.7"), Map.of());
            case WAIST -> lab(kind, values("value", "82"));
            case WAIST_INCHES -> lab(kind, values("value", "32"));
            case RESPIRATORY_RATE -> ava4(kind, "C0A1B2C3D4E5", "Oximeter JUMPER", values("value", "16"), Map.of());
            case BLOOD_GLUCOSE -> qube(kind, "FF2209083132", "Contour", values("value", "108"),
                    Map.of("marker", "After Meal"));
            case CHOLESTEROL -> ava4(kind, "C0A1B2C3D4E8", "MGSS cholesterol meter", values("value", "4.3"), Map.of());
            case URIC_ACID -> ava4(kind, "C0A1B2C3D4E9", "MGSS uric acid meter", values("value", "517.5"), Map.of());
            case URIC_ACID_MASS -> lab(kind, values("value", "6.5"));
            case BUN -> lab(kind, values("value", "14"));
            case CREATININE -> lab(kind, values("value", "1.1"));
            case LIPID_TOTAL -> lab(kind, values("value", "190"));
            case LIPID_LDL -> lab(kind, values("value", "110"));
            case LIPID_HDL -> lab(kind, values("value", "55"));
            case TRIGLYCERIDES -> lab(kind, values("value", "140"));
            case STEPS -> steps(THAI_DAY_START, 4321);
            case SLEEP -> new Reading(DeviceFamily.KATI, kind, WATCH, null, null,
                    Instant.parse("2025-04-06T15:00:00Z"), Instant.parse("2025-04-07T00:00:00Z"),
                    values("value", "420", "deep", "120", "light", "300"),
                    Map.of("sleep_data", "0001112221110000", "sleep_time", "2200@0700", "sleep_num", "108",
                            "sleep_timestamp", "07/04/2025 07:00:00"));
        };
    }

    /** The day's cumulative step count as the watch reports it in a heartbeat. */
    public static Reading steps(Instant dayStart, long count) {
        return new Reading(DeviceFamily.KATI, MeasurementKind.STEPS, WATCH, null, null, dayStart,
                dayStart.plusSeconds(86_400), Map.of("value", BigDecimal.valueOf(count)), Map.of());
    }

    /** A kiosk reading for a patient known only by the hint's citizen id. */
    public static Reading walkIn(String citizenId) {
        return new Reading(DeviceFamily.QUBE_VITAL, MeasurementKind.BLOOD_PRESSURE,
                new DeviceIdentity(IdType.BLE_MAC, "FF2209083131", "WBP_JUMPER"), QUBE_BOX,
                new PatientHint(citizenId, "Mr.", "Walk", "In", "1979-07-13", "1"), DEVICE_TIME, null,
                values("systolic", "120", "diastolic", "78", "pulse", "71"), Map.of());
    }

    public static Reading withValues(Reading r, Map<String, BigDecimal> values) {
        return new Reading(r.family(), r.kind(), r.device(), r.gateway(), r.patientHint(), r.deviceTime(),
                r.periodEnd(), values, r.details());
    }

    private static Reading ava4(MeasurementKind kind, String ble, String model, Map<String, BigDecimal> values,
            Map<String, String> details) {
        return new Reading(DeviceFamily.AVA4, kind, new DeviceIdentity(IdType.BLE_MAC, ble, model), AVA4_BOX, null,
                DEVICE_TIME, null, values, details);
    }

    private static Reading qube(MeasurementKind kind, String ble, String model, Map<String, BigDecimal> values,
            Map<String, String> details) {
        return new Reading(DeviceFamily.QUBE_VITAL, kind, new DeviceIdentity(IdType.BLE_MAC, ble, model), QUBE_BOX,
                new PatientHint("1100000000008", "Ms.", "Test", "Patient-One", "1970-01-01", "0"),
                DEVICE_TIME, null, values, details);
    }

    /** A laboratory or tape value posted with the old generic body (the box as device, no gateway). */
    private static Reading lab(MeasurementKind kind, Map<String, BigDecimal> values) {
        return new Reading(DeviceFamily.GENERIC, kind, AVA4_BOX, null, null, DEVICE_TIME, null, values, Map.of());
    }

    private static Reading kati(MeasurementKind kind, Map<String, BigDecimal> values, Map<String, String> details) {
        return new Reading(DeviceFamily.KATI, kind, WATCH, null, null, DEVICE_TIME, null, values, details);
    }

    public static Map<String, BigDecimal> values(String... keyValues) {
        Map<String, BigDecimal> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], new BigDecimal(keyValues[i + 1]));
        }
        return m;
    }
}
