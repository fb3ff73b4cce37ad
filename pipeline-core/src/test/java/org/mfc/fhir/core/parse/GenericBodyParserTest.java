package org.mfc.fhir.core.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.DeviceIdentity;
import org.mfc.fhir.core.model.FieldProblem;
import org.mfc.fhir.core.model.IdType;
import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.model.Reading;
import org.mfc.fhir.core.testing.Fixtures;

class GenericBodyParserTest {

    private static final Instant RECEIVED = Instant.parse("2025-04-07T01:00:00Z");
    private static final Instant TIME = Instant.parse("2025-04-06T18:25:11Z");
    private static final DeviceIdentity BOX = new DeviceIdentity(IdType.BOX_MAC, "DCDA0C5A8064", "AVA4");
    private static final DeviceIdentity WATCH = new DeviceIdentity(IdType.IMEI, "865067123456789", "Kati Watch");
    private final Parsers parsers = new Parsers();

    private List<Reading> readings(String origin, String fixture, DeviceIdentity device) {
        ParseResult r = parsers.parse(DeviceFamily.GENERIC, Fixtures.json("generic/" + fixture), origin, RECEIVED);
        assertThat(r.problems()).as(fixture).isEmpty();
        assertThat(r.messageClass()).isEqualTo(MessageClass.READINGS);
        assertThat(r.source()).isEqualTo(device);
        for (Reading reading : r.readings()) {
            assertThat(reading.device()).isEqualTo(device);
            assertThat(reading.gateway()).isNull();
            assertThat(reading.patientHint()).isNull();
        }
        return r.readings();
    }

    private static BigDecimal d(String v) {
        return new BigDecimal(v);
    }

    @Test
    void givenAva4BloodPressureBody_whenParsed_thenBloodPressureOfTheBoxAtTimestamp() {
        Reading bp = readings("AVA4", "ava4_blood_pressure.json", BOX).get(0);

        assertThat(bp.family()).isEqualTo(DeviceFamily.AVA4);
        assertThat(bp.kind()).isEqualTo(MeasurementKind.BLOOD_PRESSURE);
        assertThat(bp.deviceTime()).isEqualTo(TIME);
        assertThat(bp.values()).isEqualTo(Map.of("systolic", d("120"), "diastolic", d("80"), "pulse", d("72")));
    }

    @Test
    void givenLowerCaseTypeAndStringValue_whenParsed_thenGlucoseWithMarker() {
        Reading g = readings("AVA4", "ava4_blood_sugar_lower_case.json", BOX).get(0);

        assertThat(g.kind()).isEqualTo(MeasurementKind.BLOOD_GLUCOSE);
        assertThat(g.values()).isEqualTo(Map.of("value", d("108")));
        assertThat(g.details()).isEqualTo(Map.of("marker", "Fasting"));
    }

    @Test
    void givenSpo2TemperatureCreatinine_whenParsed_thenOneReadingEach() {
        assertThat(readings("AVA4", "ava4_spo2.json", BOX)).singleElement().satisfies(r -> {
            assertThat(r.kind()).isEqualTo(MeasurementKind.SPO2);
            assertThat(r.values()).isEqualTo(Map.of("value", d("97"), "pulse", d("70"), "pi", d("3.5")));
        });
        assertThat(readings("AVA4", "ava4_temperature.json", BOX)).singleElement().satisfies(r -> {
            assertThat(r.kind()).isEqualTo(MeasurementKind.BODY_TEMPERATURE);
            assertThat(r.values()).isEqualTo(Map.of("value", d("36.7")));
            assertThat(r.details()).isEqualTo(Map.of("mode", "Head"));
        });
        assertThat(readings("AVA4", "ava4_creatinine.json", BOX)).singleElement().satisfies(r -> {
            assertThat(r.kind()).isEqualTo(MeasurementKind.CREATININE);
            assertThat(r.values()).isEqualTo(Map.of("value", d("0.9")));
        });
    }

    @Test
    void givenWeightWithHeightAndBmi_whenParsed_thenThreeReadings() {
        assertThat(readings("AVA4", "ava4_weight.json", BOX)).extracting(Reading::kind, Reading::values)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(MeasurementKind.BODY_WEIGHT, Map.of("value", d("65.4"))),
                        org.assertj.core.groups.Tuple.tuple(MeasurementKind.BODY_HEIGHT, Map.of("value", d("170"))),
                        org.assertj.core.groups.Tuple.tuple(MeasurementKind.BMI, Map.of("value", d("22.6"))));
    }

    @Test
    void givenLipidWithSomeFractions_whenParsed_thenOneReadingPerFractionPresent() {
        assertThat(readings("AVA4", "ava4_lipid.json", BOX)).extracting(Reading::kind, Reading::values)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(MeasurementKind.LIPID_TOTAL, Map.of("value", d("190"))),
                        org.assertj.core.groups.Tuple.tuple(MeasurementKind.LIPID_HDL, Map.of("value", d("55"))));
    }

    @Test
    void givenKatiBodies_whenParsed_thenWatchReadingsWithTheWatchConventions() {
        Reading hr = readings("KATI", "kati_heart_rate.json", WATCH).get(0);
        assertThat(hr.family()).isEqualTo(DeviceFamily.KATI);
        assertThat(hr.kind()).isEqualTo(MeasurementKind.HEART_RATE);
        assertThat(hr.values()).isEqualTo(Map.of("value", d("75")));

        Reading steps = readings("KATI", "kati_steps.json", WATCH).get(0);
        assertThat(steps.kind()).isEqualTo(MeasurementKind.STEPS);
        assertThat(steps.values()).isEqualTo(Map.of("value", d("8000")));
        assertThat(steps.deviceTime()).isEqualTo(Instant.parse("2025-04-06T17:00:00Z"));
        assertThat(steps.periodEnd()).isEqualTo(Instant.parse("2025-04-07T17:00:00Z"));

        Reading sleep = readings("KATI", "kati_sleep.json", WATCH).get(0);
        assertThat(sleep.kind()).isEqualTo(MeasurementKind.SLEEP);
        assertThat(sleep.deviceTime()).isEqualTo(Instant.parse("2025-04-06T15:00:00Z"));
        assertThat(sleep.periodEnd()).isEqualTo(Instant.parse("2025-04-07T00:00:00Z"));
        assertThat(sleep.values()).isEqualTo(Map.of("value", d("50"), "deep", d("20"), "light", d("30")));
        assertThat(sleep.details()).isEqualTo(Map.of("sleep_data", "0011122221110000", "sleep_time", "2200@0700",
                // The legacy form and zone (Thai local), not the body's ISO text.
                "sleep_num", "16", "sleep_timestamp", "07/04/2025 07:10:00"));
    }

    @Test
    void givenQubeBodyWithOffsetTimestamp_whenParsed_thenKioskReadingInUtc() {
        DeviceIdentity kiosk = new DeviceIdentity(IdType.BOX_MAC, "E45F01ED8259", "Qube-Vital HV01");
        Reading bp = readings("QUBE_VITAL", "qube_vital_blood_pressure.json", kiosk).get(0);
        assertThat(bp.family()).isEqualTo(DeviceFamily.QUBE_VITAL);
        assertThat(bp.deviceTime()).isEqualTo(Instant.parse("2025-04-06T11:25:11Z"));
        assertThat(bp.values()).isEqualTo(Map.of("systolic", d("131"), "diastolic", d("85")));
    }

    @Test
    void givenInvalidBodies_whenParsed_thenProblemsNameTheFields() throws Exception {
        String bp = Fixtures.text("generic/ava4_blood_pressure.json");
        assertThat(problems("AVA4", bp.replace("BLOOD_PRESSURE", "BLOOD_COLOUR"))).containsExactly("type");
        assertThat(problems("AVA4", bp.replace("\"DC:DA:0C:5A:80:64\"", "\"\""))).containsExactly("device_id");
        assertThat(problems("KATI", bp)).containsExactly("device_id");
        assertThat(problems("AVA4", bp.replace("\"systolic\": 120", "\"systolic\": \"high\"")))
                .containsExactly("data.systolic");
        assertThat(problems("AVA4", bp.replace("\"diastolic\": 80,", ""))).containsExactly("data.diastolic");
        assertThat(problems("AVA4", bp.replace("2025-04-06T18:25:11Z", "yesterday"))).containsExactly("timestamp");
        assertThat(problems("AVA4", bp.replace("2025-04-06T18:25:11Z", "2031-04-06T18:25:11Z")))
                .containsExactly("timestamp");
        assertThat(problems("AVA4", Fixtures.text("generic/ava4_lipid.json").replace("total_cholesterol", "x")
                .replace("hdl", "y"))).containsExactly("data");
        assertThat(problems("MARS", bp)).containsExactly("topic");
        assertThat(problems("KATI", Fixtures.text("generic/kati_sleep.json").replace("0011122221110000",
                "2".repeat(400)))).as("more sleep than a day holds").contains("data.sleep_data");
    }

    @Test
    void givenBloodPressureWithAPulseOfZero_whenParsed_thenTheBloodPressureKeptAndThePulseAloneRefused()
            throws Exception {
        String bp = Fixtures.text("generic/ava4_blood_pressure.json").replace("\"pulse\": 72", "\"pulse\": 0");
        ParseResult r = parsers.parse(DeviceFamily.GENERIC, Json.mapper().readTree(bp), "AVA4", RECEIVED);

        assertThat(r.valid()).isTrue();
        assertThat(r.readings()).singleElement().satisfies(reading -> assertThat(reading.values())
                .containsOnlyKeys("systolic", "diastolic"));
        assertThat(r.refusedItems()).extracting(ParseResult.RefusedItem::item).containsExactly("data.pulse");
    }

    @Test
    void givenAnOptionalValueThatIsNotANumber_whenParsed_thenRefusedNamingItNeverDroppedInSilence() throws Exception {
        String weight = Fixtures.text("generic/ava4_weight.json");
        assertThat(problems("AVA4", weight.replace("\"height\": 170", "\"height\": \"abc\""))).contains("data.height");
        assertThat(problems("AVA4", weight.replace("\"bmi\": 22.6", "\"bmi\": [22.6]"))).contains("data.bmi");
        // Not sent at all, or sent as "not measured": the weight alone, as before.
        assertThat(problems("AVA4", weight.replace("\"height\": 170,", "\"height\": null,")
                .replace("\"bmi\": 22.6", "\"bmi\": \"\""))).isEmpty();
    }

    private List<String> problems(String origin, String body) throws Exception {
        return parsers.parse(DeviceFamily.GENERIC, Json.mapper().readTree(body), origin, RECEIVED).problems()
                .stream().map(FieldProblem::field).toList();
    }
}
