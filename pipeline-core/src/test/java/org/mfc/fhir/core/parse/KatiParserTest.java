package org.mfc.fhir.core.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
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

class KatiParserTest {

    private static final Instant RECEIVED = Instant.parse("2025-04-07T01:00:00Z");
    private static final DeviceIdentity WATCH = new DeviceIdentity(IdType.IMEI, "865067123456789", "Kati Watch");
    private final Parsers parsers = new Parsers();

    private ParseResult parse(String topic, String fixture) {
        return parsers.parse(DeviceFamily.KATI, Fixtures.json("kati/" + fixture), topic, RECEIVED);
    }

    private ParseResult parseText(String topic, String body) throws Exception {
        return parsers.parse(DeviceFamily.KATI, Json.mapper().readTree(body), topic, RECEIVED);
    }

    private static BigDecimal d(String v) {
        return new BigDecimal(v);
    }

    @Test
    void givenVitalSignWithOneImpossibleVital_whenParsed_thenTheOthersKeptAndItAloneRefused() throws Exception {
        ParseResult r = parseText("VitalSign", """
                {"IMEI":"865067123456789","heartRate":0,"bloodPressure":{"bp_sys":121,"bp_dia":79},
                 "bodyTemperature":36.3,"spO2":97,"timeStamps":"06/04/2025 18:25:11"}""");

        assertThat(r.valid()).isTrue();
        assertThat(r.readings()).extracting(Reading::kind).containsExactly(MeasurementKind.BLOOD_PRESSURE,
                MeasurementKind.SKIN_TEMPERATURE, MeasurementKind.SPO2);
        assertThat(r.refusedItems()).singleElement().satisfies(item -> {
            assertThat(item.item()).isEqualTo("heartRate");
            assertThat(item.problems()).extracting(FieldProblem::field).containsExactly("heartRate");
        });

        ParseResult none = parseText("VitalSign", """
                {"IMEI":"865067123456789","heartRate":0,"spO2":12,"timeStamps":"06/04/2025 18:25:11"}""");
        assertThat(none.valid()).isFalse();
        assertThat(none.problems()).extracting(FieldProblem::field).containsExactly("heartRate", "spO2");
    }

    @Test
    void givenAp55ItemWithOneImpossibleVital_whenParsed_thenItsOtherVitalKept() throws Exception {
        ParseResult r = parseText("AP55", """
                {"IMEI":"865067123456789","data":[{"timestamp":1743963000,"heartRate":0,"spO2":96},
                 {"timestamp":1743963060,"heartRate":71,"spO2":95}]}""");

        assertThat(r.valid()).isTrue();
        assertThat(r.readings()).extracting(Reading::kind).containsExactly(MeasurementKind.SPO2,
                MeasurementKind.HEART_RATE, MeasurementKind.SPO2);
        assertThat(r.refusedItems()).extracting(ParseResult.RefusedItem::item).containsExactly("data[0].heartRate");
    }

    @Test
    void givenVitalSignWithFourVitals_whenParsed_thenFourReadingsAtTimeStampsUtc() {
        ParseResult r = parse("VitalSign", "vitalsign_full.json");

        assertThat(r.problems()).isEmpty();
        assertThat(r.messageClass()).isEqualTo(MessageClass.READINGS);
        assertThat(r.source()).isEqualTo(WATCH);
        Instant at = Instant.parse("2025-04-06T18:25:11Z");
        assertThat(r.readings()).extracting(Reading::kind).containsExactly(MeasurementKind.HEART_RATE,
                MeasurementKind.BLOOD_PRESSURE, MeasurementKind.SKIN_TEMPERATURE, MeasurementKind.SPO2);
        for (Reading reading : r.readings()) {
            assertThat(reading.family()).isEqualTo(DeviceFamily.KATI);
            assertThat(reading.device()).isEqualTo(WATCH);
            assertThat(reading.gateway()).isNull();
            assertThat(reading.patientHint()).isNull();
            assertThat(reading.deviceTime()).isEqualTo(at);
            assertThat(reading.periodEnd()).isNull();
        }
        // A watch is not a cuff or a core thermometer: its estimate and its skin temperature say where and how.
        assertThat(r.readings().get(0).details()).isEmpty();
        assertThat(r.readings().get(1).details()).isEqualTo(Map.of("method", "cuffless", "site", "wrist"));
        assertThat(r.readings().get(2).details()).isEqualTo(Map.of("site", "wrist"));
        assertThat(r.readings().get(3).details()).isEmpty();
        assertThat(r.readings().get(0).values()).isEqualTo(Map.of("value", d("72")));
        assertThat(r.readings().get(1).values()).isEqualTo(Map.of("systolic", d("122"), "diastolic", d("78")));
        assertThat(r.readings().get(2).values()).isEqualTo(Map.of("value", d("36.6")));
        assertThat(r.readings().get(3).values()).isEqualTo(Map.of("value", d("97")));
    }

    @Test
    void givenNumbersAsStringsAndKeyCaseVariants_whenParsed_thenSameReadings() {
        ParseResult r = parse("VitalSign", "vitalsign_strings_and_key_case.json");

        assertThat(r.problems()).isEmpty();
        assertThat(r.source()).isEqualTo(WATCH);
        assertThat(r.readings()).extracting(Reading::deviceTime).containsOnly(Instant.parse("2025-04-06T08:05:00Z"));
        assertThat(r.readings()).extracting(Reading::values).containsExactly(Map.of("value", d("68")),
                Map.of("systolic", d("118"), "diastolic", d("76")), Map.of("value", d("36.40")),
                Map.of("value", d("98")));
    }

    @Test
    void givenVitalSignWithOnlyHeartRate_whenParsed_thenBlankVitalsAreNotMeasurements() {
        ParseResult r = parse("VitalSign", "vitalsign_heart_rate_only.json");

        assertThat(r.problems()).isEmpty();
        assertThat(r.readings()).singleElement().satisfies(hr -> {
            assertThat(hr.kind()).isEqualTo(MeasurementKind.HEART_RATE);
            assertThat(hr.values()).isEqualTo(Map.of("value", d("81")));
            assertThat(hr.deviceTime()).isEqualTo(Instant.parse("2025-04-06T18:30:00Z"));
        });
    }

    @Test
    void givenAp55BatchWhoseNumDiffersFromData_whenParsed_thenOneReadingPerVitalPerItemAtItsOwnTime() {
        ParseResult r = parse("AP55", "ap55_batch.json");

        assertThat(r.problems()).isEmpty();
        assertThat(r.readings()).extracting(Reading::kind).containsExactly(MeasurementKind.HEART_RATE,
                MeasurementKind.BLOOD_PRESSURE, MeasurementKind.SKIN_TEMPERATURE, MeasurementKind.SPO2,
                MeasurementKind.HEART_RATE, MeasurementKind.SPO2);
        assertThat(r.readings()).extracting(Reading::deviceTime).containsExactly(
                Instant.ofEpochSecond(1743960000), Instant.ofEpochSecond(1743960000),
                Instant.ofEpochSecond(1743960000), Instant.ofEpochSecond(1743960000),
                Instant.ofEpochSecond(1743963600), Instant.ofEpochSecond(1743963600));
        assertThat(r.readings().get(1).values()).isEqualTo(Map.of("systolic", d("120"), "diastolic", d("80")));
        assertThat(r.readings().get(2).values()).isEqualTo(Map.of("value", d("36.5")));
        assertThat(r.readings().get(4).values()).isEqualTo(Map.of("value", d("75")));
        assertThat(r.readings().get(5).values()).isEqualTo(Map.of("value", d("97")));
    }

    @Test
    void givenHeartbeatWithImpossibleStepCount_whenParsed_thenRefusedNamingTheField() throws Exception {
        String body = Fixtures.text("kati/hb_steps.json").replace("4512", "1e6");
        assertThat(body).isNotEqualTo(Fixtures.text("kati/hb_steps.json"));

        ParseResult r = parseText("hb", body);

        assertThat(r.valid()).isFalse();
        assertThat(r.problems()).extracting(FieldProblem::field).containsExactly("step");
    }

    @Test
    void givenHeartbeatWithSteps_whenParsed_thenStepsForTheThaiLocalDay() {
        ParseResult r = parse("hb", "hb_steps.json");

        assertThat(r.problems()).isEmpty();
        assertThat(r.messageClass()).isEqualTo(MessageClass.READINGS);
        Reading steps = r.readings().get(0);
        assertThat(r.readings()).hasSize(1);
        assertThat(steps.kind()).isEqualTo(MeasurementKind.STEPS);
        assertThat(steps.device()).isEqualTo(WATCH);
        assertThat(steps.values()).isEqualTo(Map.of("value", d("4512")));
        // 18:25:11Z is 01:25 on 7 April in Thailand: the day starts at 17:00Z on 6 April.
        assertThat(steps.deviceTime()).isEqualTo(Instant.parse("2025-04-06T17:00:00Z"));
        assertThat(steps.periodEnd()).isEqualTo(Instant.parse("2025-04-07T17:00:00Z"));
    }

    @Test
    void givenHeartbeatWithoutSteps_whenParsed_thenDeviceStatus() {
        ParseResult r = parse("hb", "hb_without_step.json");

        assertThat(r.problems()).isEmpty();
        assertThat(r.messageClass()).isEqualTo(MessageClass.DEVICE_STATUS);
        assertThat(r.source()).isEqualTo(WATCH);
        assertThat(r.readings()).isEmpty();
    }

    @Test
    void givenSleepData_whenParsed_thenOneSleepReadingOverTheThaiNightWindow() {
        ParseResult r = parse("sleepdata", "sleepdata_night.json");

        assertThat(r.problems()).isEmpty();
        Reading sleep = r.readings().get(0);
        assertThat(r.readings()).hasSize(1);
        assertThat(sleep.kind()).isEqualTo(MeasurementKind.SLEEP);
        assertThat(sleep.device()).isEqualTo(WATCH);
        // Reported at 07:10 Thai time on 7 April: the night of 6 April, 22:00 to 07:00 Thai time.
        assertThat(sleep.deviceTime()).isEqualTo(Instant.parse("2025-04-06T15:00:00Z"));
        assertThat(sleep.periodEnd()).isEqualTo(Instant.parse("2025-04-07T00:00:00Z"));
        assertThat(sleep.values()).isEqualTo(Map.of("value", d("50"), "deep", d("20"), "light", d("30")));
        assertThat(sleep.details()).isEqualTo(Map.of("sleep_data", "0011122221110000", "sleep_time", "2200@0700",
                // The watch's 00:10 UTC as the legacy application writes it: Thai local time.
                "sleep_num", "16", "sleep_timestamp", "07/04/2025 07:10:00"));
    }

    @Test
    void givenSleepStringWithLegacyCharacters_whenParsed_thenOnlyOnesAndTwosCountAsAsleep() {
        ParseResult r = parse("sleepdata", "sleepdata_legacy_characters.json");

        assertThat(r.problems()).isEmpty();
        Reading sleep = r.readings().get(0);
        assertThat(sleep.values()).isEqualTo(Map.of("value", d("20"), "deep", d("10"), "light", d("10")));
        assertThat(sleep.deviceTime()).isEqualTo(Instant.parse("2025-04-06T16:30:00Z"));
        assertThat(sleep.periodEnd()).isEqualTo(Instant.parse("2025-04-06T23:15:00Z"));
        assertThat(sleep.details()).containsEntry("sleep_num", "120").containsEntry("sleep_data", "012#3a21x0");
    }

    @Test
    void givenSleepPatternLongerThanADay_whenParsed_thenRefusedAsTheWorkerWouldNamingTheData() throws Exception {
        String body = Fixtures.text("kati/sleepdata_night.json").replace("0011122221110000", "1".repeat(300));
        ParseResult r = parseText("sleepdata", body);
        assertThat(r.readings()).isEmpty();
        assertThat(r.problems()).extracting(FieldProblem::field).contains("sleep.data");
        assertThat(parseText("sleepdata", Fixtures.text("kati/sleepdata_night.json")
                .replace("0011122221110000", "1".repeat(288))).problems()).as("a whole day is possible").isEmpty();
    }

    @Test
    void givenSleepDataWithoutSleepObject_whenParsed_thenDeviceStatus() {
        ParseResult r = parse("sleepdata", "sleepdata_without_sleep.json");

        assertThat(r.problems()).isEmpty();
        assertThat(r.messageClass()).isEqualTo(MessageClass.DEVICE_STATUS);
        assertThat(r.readings()).isEmpty();
    }

    @Test
    void givenLocationWithGpsAsNumbersStringsEmptyOrNull_whenParsed_thenDeviceStatus() {
        for (String fixture : new String[] {"location_gps_numbers.json", "location_gps_string_quirks.json",
                "location_gps_empty.json"}) {
            ParseResult r = parse("location", fixture);
            assertThat(r.problems()).as(fixture).isEmpty();
            assertThat(r.messageClass()).as(fixture).isEqualTo(MessageClass.DEVICE_STATUS);
            assertThat(r.source()).isEqualTo(WATCH);
        }
    }

    @Test
    void givenGpsLatitudeThatIsNotANumber_whenParsed_thenProblemNamesTheField() throws Exception {
        ParseResult r = parseText("location",
                "{\"IMEI\":\"865067123456789\",\"location\":{\"GPS\":{\"latitude\":\"north\",\"longitude\":1}}}");
        assertThat(r.problems()).extracting(FieldProblem::field).containsExactly("location.GPS.latitude");
    }

    @Test
    void givenSosInEitherSpelling_whenParsed_thenCriticalAlertTimedByTimeStampsElseReceipt() {
        ParseResult upper = parse("SOS", "sos.json");
        assertThat(upper.problems()).isEmpty();
        assertThat(upper.messageClass()).isEqualTo(MessageClass.ALERT);
        assertThat(upper.readings()).isEmpty();
        AlertEvent sos = upper.alerts().get(0);
        assertThat(upper.alerts()).hasSize(1);
        assertThat(sos.device()).isEqualTo(WATCH);
        assertThat(sos.type()).isEqualTo("sos");
        assertThat(sos.status()).isEqualTo("SOS");
        assertThat(sos.priority()).isEqualTo("CRITICAL");
        assertThat(sos.time()).isEqualTo(Instant.parse("2025-04-06T18:40:00Z"));
        assertThat(sos.location().at("/GPS/latitude").decimalValue()).isEqualByComparingTo("13.7563");

        ParseResult lower = parse("sos", "sos_lower_without_time.json");
        assertThat(lower.problems()).isEmpty();
        assertThat(lower.alerts()).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo("sos");
            assertThat(a.time()).isEqualTo(RECEIVED);
        });
    }

    @Test
    void givenAlarmTopicWithoutStatus_whenParsed_thenRefusedNamingStatus() {
        for (String topic : new String[] {"sos", "SOS", "fallDown"}) {
            ParseResult vitals = parse(topic, "vitalsign_full.json");
            assertThat(vitals.alerts()).as(topic).isEmpty();
            assertThat(vitals.problems()).as(topic).extracting(FieldProblem::field).containsExactly("status");
        }
    }

    @Test
    void givenFallDown_whenParsed_thenHighPriorityFallAlert() {
        ParseResult r = parse("fallDown", "fall_down.json");

        assertThat(r.problems()).isEmpty();
        assertThat(r.messageClass()).isEqualTo(MessageClass.ALERT);
        AlertEvent fall = r.alerts().get(0);
        assertThat(fall.type()).isEqualTo("fall_down");
        assertThat(fall.status()).isEqualTo("FALL DOWN");
        assertThat(fall.priority()).isEqualTo("HIGH");
        assertThat(fall.time()).isEqualTo(Instant.parse("2025-04-06T18:41:00Z"));
        assertThat(fall.location()).isNotNull();
    }

    @Test
    void givenOnlineTrigger_whenParsed_thenDeviceStatus() {
        ParseResult r = parse("onlineTrigger", "online_trigger.json");
        assertThat(r.problems()).isEmpty();
        assertThat(r.messageClass()).isEqualTo(MessageClass.DEVICE_STATUS);
    }

    @Test
    void givenInvalidMessages_whenParsed_thenProblemsNameTheFields() throws Exception {
        assertThat(parse("Temperature", "vitalsign_full.json").problems()).extracting(FieldProblem::field)
                .containsExactly("topic");
        assertThat(parseText("VitalSign", "{\"heartRate\":70,\"timeStamps\":\"06/04/2025 18:25:11\"}").problems())
                .extracting(FieldProblem::field).containsExactly("IMEI");
        assertThat(parseText("VitalSign", "{\"IMEI\":\"865067123456789\",\"heartRate\":\"fast\","
                + "\"timeStamps\":\"06/04/2025 18:25:11\"}").problems())
                .extracting(FieldProblem::field).containsExactly("heartRate");
        assertThat(parseText("VitalSign", "{\"IMEI\":\"865067123456789\",\"bloodPressure\":{\"bp_sys\":120},"
                + "\"timeStamps\":\"06/04/2025 18:25:11\"}").problems())
                .extracting(FieldProblem::field).containsExactly("bloodPressure.bp_dia");
        assertThat(parseText("VitalSign", "{\"IMEI\":\"865067123456789\",\"heartRate\":70}").problems())
                .extracting(FieldProblem::field).containsExactly("timeStamps");
        assertThat(parseText("VitalSign", "{\"IMEI\":\"865067123456789\",\"heartRate\":70,"
                + "\"timeStamps\":\"2025-04-06 18:25:11\"}").problems())
                .extracting(FieldProblem::field).containsExactly("timeStamps");
        assertThat(parseText("AP55", "{\"IMEI\":\"865067123456789\",\"data\":[{\"heartRate\":70}]}").problems())
                .extracting(FieldProblem::field).containsExactly("data[0].timestamp");
        assertThat(parseText("sleepdata", "{\"IMEI\":\"865067123456789\",\"sleep\":{\"timeStamps\":"
                + "\"07/04/2025 00:10:00\",\"time\":\"22:00-07:00\",\"data\":\"0012\"}}").problems())
                .extracting(FieldProblem::field).containsExactly("sleep.time");
    }

    @Test
    void givenTopicWithControlCharacters_whenParsed_thenTopicRefusedButSurroundingSpacesTolerated() {
        for (String topic : new String[] {"VitalSign\n", "Vital\tSign", "\u0000VitalSign", "VitalSign\u007f"}) {
            assertThat(parse(topic, "vitalsign_full.json").problems()).as(topic).extracting(FieldProblem::field)
                    .containsExactly("topic");
        }
        assertThat(parse(" VitalSign ", "vitalsign_full.json").valid()).isTrue();
    }

    @Test
    void givenWatchClockYearsAhead_whenParsed_thenTimeRejected() {
        String ahead = Fixtures.text("kati/vitalsign_full.json").replace("06/04/2025", "06/04/2031");
        ParseResult r = parsers.parse(DeviceFamily.KATI, readTree(ahead), "VitalSign", RECEIVED);
        assertThat(r.valid()).isFalse();
        assertThat(r.problems()).extracting(FieldProblem::field).containsExactly("timeStamps");
    }

    private static com.fasterxml.jackson.databind.JsonNode readTree(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
