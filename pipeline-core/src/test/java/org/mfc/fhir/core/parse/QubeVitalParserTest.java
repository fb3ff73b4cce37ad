package org.mfc.fhir.core.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.DeviceIdentity;
import org.mfc.fhir.core.model.FieldProblem;
import org.mfc.fhir.core.model.IdType;
import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.model.PatientHint;
import org.mfc.fhir.core.model.Reading;
import org.mfc.fhir.core.testing.Fixtures;

import com.fasterxml.jackson.databind.node.ObjectNode;

class QubeVitalParserTest {

    private static final Instant RECEIVED = Instant.parse("2025-04-07T01:00:00Z");
    private static final Instant TIME = Instant.ofEpochSecond(1743963911);
    private static final DeviceIdentity KIOSK = new DeviceIdentity(IdType.BOX_MAC, "E45F01ED8259", "Qube-Vital HV01");
    private final Parsers parsers = new Parsers();

    private Reading single(String fixture) {
        ParseResult r = parsers.parse(DeviceFamily.QUBE_VITAL, Fixtures.json("qube-vital/" + fixture), null,
                RECEIVED);
        assertThat(r.problems()).as(fixture).isEmpty();
        assertThat(r.messageClass()).isEqualTo(MessageClass.READINGS);
        assertThat(r.source()).isEqualTo(KIOSK);
        assertThat(r.readings()).hasSize(1);
        Reading reading = r.readings().get(0);
        assertThat(reading.family()).isEqualTo(DeviceFamily.QUBE_VITAL);
        assertThat(reading.gateway()).isEqualTo(KIOSK);
        assertThat(reading.device().type()).isEqualTo(IdType.BLE_MAC);
        assertThat(reading.device().id()).isEqualTo("FF2209083131");
        assertThat(reading.deviceTime()).isEqualTo(TIME);
        assertThat(reading.periodEnd()).isNull();
        return reading;
    }

    private static BigDecimal d(String v) {
        return new BigDecimal(v);
    }

    @Test
    void givenBloodPressureWithDemographics_whenParsed_thenReadingWithPatientHintInCommonEra() {
        Reading bp = single("bp_wbp_jumper.json");

        assertThat(bp.kind()).isEqualTo(MeasurementKind.BLOOD_PRESSURE);
        assertThat(bp.device().model()).isEqualTo("WBP JUMPER");
        assertThat(bp.values()).isEqualTo(Map.of("systolic", d("120"), "diastolic", d("78"), "pulse", d("71")));
        assertThat(bp.patientHint()).isEqualTo(new PatientHint("1234567890121", "นาย", "ทดสอบ", "ระบบ",
                "1979-07-13", "male"));
    }

    @Test
    void givenOximeterThatMissedThePulse_whenParsed_thenSpo2KeptAndThePulseAloneRefused() {
        ObjectNode payload = (ObjectNode) Fixtures.json("qube-vital/spo2_oximeter.json");
        ((ObjectNode) payload.at("/data/value")).put("pulse", 0);
        ParseResult r = parsers.parse(DeviceFamily.QUBE_VITAL, payload, null, RECEIVED);

        assertThat(r.valid()).isTrue();
        assertThat(r.readings()).singleElement().satisfies(reading -> assertThat(reading.values())
                .containsOnlyKeys("value", "pi"));
        assertThat(r.refusedItems()).extracting(ParseResult.RefusedItem::item).containsExactly("data.value.pulse");
    }

    @Test
    void givenCitizenIdInItsPrintedForm_whenParsed_thenItsDigitsAreThePatientKey() {
        for (String printed : java.util.List.of("1-2345-67890-12-1", "1 2345 67890 12 1", " 1234567890121 ")) {
            ObjectNode payload = (ObjectNode) Fixtures.json("qube-vital/bp_wbp_jumper.json");
            payload.put("citiz", printed);
            ParseResult r = parsers.parse(DeviceFamily.QUBE_VITAL, payload, null, RECEIVED);
            assertThat(r.problems()).as(printed).isEmpty();
            assertThat(r.readings().get(0).patientHint().citizenId()).isEqualTo("1234567890121");
        }
    }

    @Test
    void givenGlucoseWithMarkerAndImpossibleBirthDate_whenParsed_thenMarkerKeptAndBirthDateLeftOut() {
        Reading g = single("glucose_contour.json");

        assertThat(g.kind()).isEqualTo(MeasurementKind.BLOOD_GLUCOSE);
        assertThat(g.values()).isEqualTo(Map.of("value", d("108")));
        assertThat(g.details()).isEqualTo(Map.of("marker", "After Meal"));
        assertThat(g.patientHint().gender()).isEqualTo("female");
        assertThat(g.patientHint().birthDate()).isNull();
    }

    @Test
    void givenOximeterWithPulseAsString_whenParsed_thenSpo2WithPulseAndPerfusionIndex() {
        Reading s = single("spo2_oximeter.json");

        assertThat(s.kind()).isEqualTo(MeasurementKind.SPO2);
        assertThat(s.values()).isEqualTo(Map.of("value", d("97"), "pulse", d("74"), "pi", d("2.1")));
    }

    @Test
    void givenTemperatureWithCapitalTemp_whenParsed_thenValueAndModeAndEnglishNameFallback() {
        Reading t = single("temperature_temo.json");

        assertThat(t.kind()).isEqualTo(MeasurementKind.BODY_TEMPERATURE);
        assertThat(t.values()).isEqualTo(Map.of("value", d("36.43000031")));
        assertThat(t.details()).isEqualTo(Map.of("mode", "Head"));
        assertThat(t.patientHint()).isEqualTo(new PatientHint("1234567890121", "Mr.", "DEV", "HV01", null,
                "unknown"));
    }

    @Test
    void givenScaleWithCapitalResistance_whenParsed_thenWeightWithResistance() {
        Reading w = single("weight_bodyscale.json");

        assertThat(w.kind()).isEqualTo(MeasurementKind.BODY_WEIGHT);
        assertThat(w.values()).isEqualTo(Map.of("value", d("65.4"), "resistance", d("512")));
    }

    @Test
    void givenHeartbeat_whenParsed_thenDeviceStatusOfTheKiosk() {
        ParseResult r = parsers.parse(DeviceFamily.QUBE_VITAL, Fixtures.json("qube-vital/heartbeat.json"), null,
                RECEIVED);
        assertThat(r.problems()).isEmpty();
        assertThat(r.messageClass()).isEqualTo(MessageClass.DEVICE_STATUS);
        assertThat(r.source()).isEqualTo(KIOSK);
        assertThat(r.readings()).isEmpty();
    }

    @Test
    void givenInvalidReadings_whenParsed_thenProblemsNameTheFields() {
        assertThat(problems(p -> p.remove("citiz"))).containsExactly("citiz");
        assertThat(problems(p -> p.put("citiz", "12345"))).containsExactly("citiz");
        assertThat(problems(p -> ((ObjectNode) p.get("data")).put("attribute", "WBP_UNKNOWN")))
                .containsExactly("data.attribute");
        assertThat(problems(p -> ((ObjectNode) p.get("data")).remove("ble_mac"))).containsExactly("data.ble_mac");
        assertThat(problems(p -> ((ObjectNode) p.get("data").get("value")).put("bp_high", "high")))
                .containsExactly("data.value.bp_high");
        assertThat(problems(p -> ((ObjectNode) p.get("data").get("value")).remove("bp_low")))
                .containsExactly("data.value.bp_low");
        assertThat(problems(p -> p.put("time", 1900000000))).containsExactly("time");
        assertThat(problems(p -> p.remove("mac"))).containsExactly("mac");
        assertThat(problems(p -> p.put("type", "weird"))).containsExactly("type");
    }

    private java.util.List<String> problems(java.util.function.Consumer<ObjectNode> edit) {
        ObjectNode payload = (ObjectNode) Fixtures.json("qube-vital/bp_wbp_jumper.json");
        edit.accept(payload);
        try {
            payload = (ObjectNode) Json.mapper().readTree(payload.toString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return parsers.parse(DeviceFamily.QUBE_VITAL, payload, null, RECEIVED).problems().stream()
                .map(FieldProblem::field).toList();
    }
}
