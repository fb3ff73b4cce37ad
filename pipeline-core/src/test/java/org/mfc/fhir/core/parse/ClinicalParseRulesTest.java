package org.mfc.fhir.core.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.FieldProblem;
import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.model.Reading;
import org.mfc.fhir.core.model.ReadingDetails;
import org.mfc.fhir.core.testing.Fixtures;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The parse rules a clinical review asked for (issue 15): device clocks, the message time as fallback, per-item
 * refusal, meters' HI/LO, object mode, junk floors, citizen id check digits, partial birth dates.
 */
class ClinicalParseRulesTest {

    private static final Instant AT = Instant.parse("2025-04-06T18:25:11Z");
    private final Parsers parsers = new Parsers();

    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String ava4(String attribute, String items) {
        return "{\"time\":1743963911,\"mac\":\"08:F9:E0:D1:F7:B4\",\"type\":\"reportAttribute\",\"data\":{"
                + "\"attribute\":\"" + attribute + "\",\"value\":{\"device_list\":[" + items + "]}}}";
    }

    @Test
    void givenSystolicNotAboveDiastolic_whenParsed_thenTheItemRefusedNamingItAndTheOtherKept() {
        ParseResult r = parsers.parse(DeviceFamily.AVA4, json(ava4("BP_BIOLIGTH",
                "{\"scan_time\":1743963911,\"ble_addr\":\"d616f9641622\",\"bp_high\":70,\"bp_low\":140,\"PR\":74},"
                        + "{\"scan_time\":1743963912,\"ble_addr\":\"d616f9641622\",\"bp_high\":120,\"bp_low\":80,"
                        + "\"PR\":74}")), null, AT.plusSeconds(20));

        assertThat(r.refusedItems()).singleElement().satisfies(item -> {
            assertThat(item.item()).isEqualTo("data.value.device_list[0]");
            assertThat(item.problems()).singleElement().satisfies(p -> {
                assertThat(p.field()).isEqualTo("data.value.device_list[0].bp_high");
                assertThat(p.reason()).contains("above the diastolic").doesNotContain("70", "140");
            });
        });
        assertThat(r.readings()).filteredOn(x -> x.kind() == MeasurementKind.BLOOD_PRESSURE).singleElement()
                .satisfies(x -> assertThat(x.values().get("systolic")).isEqualByComparingTo("120"));
        // Generic body, one message, one reading: refused whole.
        ParseResult generic = parsers.parse(DeviceFamily.GENERIC, json("{\"timestamp\":\"2025-04-06T18:25:11Z\","
                + "\"device_id\":\"DC:DA:0C:5A:80:64\",\"type\":\"BLOOD_PRESSURE\",\"data\":{\"systolic\":80,"
                + "\"diastolic\":80}}"), "AVA4", AT.plusSeconds(20));
        assertThat(generic.valid()).isFalse();
        assertThat(generic.problems()).extracting(FieldProblem::field).containsExactly("data.systolic");
    }

    @Test
    void givenWatchSendingLocalTimeAsUtc_whenParsed_thenRefusedNamingTheTimeNotStoredSevenHoursAhead() {
        JsonNode ahead = json("{\"IMEI\":\"865067123456789\",\"heartRate\":66,\"timeStamps\":\"07/04/2025 01:25:11\"}");

        ParseResult r = parsers.parse(DeviceFamily.KATI, ahead, "VitalSign", AT.plusSeconds(20));

        assertThat(r.valid()).isFalse();
        assertThat(r.problems()).extracting(FieldProblem::field).containsExactly("timeStamps");
        assertThat(r.problems().get(0).reason()).contains("5 min after the time of receipt");
    }

    @Test
    void givenClockAFewMinutesAhead_whenParsed_thenAcceptedWithinTheConfiguredSkewOnly() {
        JsonNode twoMinutes = json("{\"IMEI\":\"865067123456789\",\"heartRate\":66,\"timeStamps\":\"06/04/2025 18:27:11\"}");

        assertThat(parsers.parse(DeviceFamily.KATI, twoMinutes, "VitalSign", AT).valid()).isTrue();
        assertThat(new Parsers(new DeviceTimeRule(Duration.ofMinutes(1)))
                .parse(DeviceFamily.KATI, twoMinutes, "VitalSign", AT).valid()).isFalse();
    }

    @Test
    void givenAva4ItemWithoutScanTime_whenParsed_thenTimedByTheMessageAndSaysSo() {
        ParseResult r = parsers.parse(DeviceFamily.AVA4, json(ava4("BP_BIOLIGTH",
                "{\"ble_addr\":\"d616f9641622\",\"bp_high\":120,\"bp_low\":80}")), null, AT.plusSeconds(9));

        assertThat(r.problems()).isEmpty();
        Reading bp = r.readings().get(0);
        assertThat(bp.deviceTime()).isEqualTo(AT);
        assertThat(bp.details()).containsEntry(ReadingDetails.TIME_SOURCE, ReadingDetails.TIME_FROM_MESSAGE);
    }

    @Test
    void givenAp55ItemWithoutTimestamp_whenParsed_thenTimedByTheMessageTimeStampsAndSaysSo() {
        ParseResult r = parsers.parse(DeviceFamily.KATI, json("{\"IMEI\":\"865067123456789\",\"data\":["
                + "{\"timestamp\":1743960000,\"heartRate\":70},{\"heartRate\":75}],"
                + "\"timeStamps\":\"06/04/2025 19:00:05\"}"), "AP55", Instant.parse("2025-04-06T19:00:30Z"));

        assertThat(r.problems()).isEmpty();
        assertThat(r.readings()).extracting(Reading::deviceTime).containsExactly(Instant.parse(
                "2025-04-06T17:20:00Z"), Instant.parse("2025-04-06T19:00:05Z"));
        assertThat(r.readings().get(0).details()).doesNotContainKey(ReadingDetails.TIME_SOURCE);
        assertThat(r.readings().get(1).details()).containsEntry(ReadingDetails.TIME_SOURCE,
                ReadingDetails.TIME_FROM_MESSAGE);
    }

    @Test
    void givenOneBadItemInDeviceList_whenParsed_thenTheOthersAreReadingsAndTheBadOneIsRefusedWithItsField() {
        ParseResult r = parsers.parse(DeviceFamily.AVA4, json(ava4("BP_BIOLIGTH",
                "{\"scan_time\":1743963911,\"ble_addr\":\"d616f9641622\",\"bp_high\":120,\"bp_low\":80},"
                        + "{\"scan_time\":1743963911,\"ble_addr\":\"d616f9641622\",\"bp_high\":987,\"bp_low\":80},"
                        + "{\"scan_time\":1743963912,\"ble_addr\":\"d616f9641622\",\"bp_high\":121,\"bp_low\":81}")),
                null, AT.plusSeconds(9));

        assertThat(r.valid()).isTrue();
        assertThat(r.readings()).hasSize(2);
        assertThat(r.refusedItems()).singleElement().satisfies(item -> {
            assertThat(item.item()).isEqualTo("data.value.device_list[1]");
            assertThat(item.problems()).extracting(FieldProblem::field)
                    .containsExactly("data.value.device_list[1].bp_high");
            assertThat(item.problems().get(0).reason()).contains("possible range").doesNotContain("987");
        });
    }

    @Test
    void givenOneBadItemInAp55_whenParsed_thenTheOtherItemsAreKept() {
        ParseResult r = parsers.parse(DeviceFamily.KATI, json("{\"IMEI\":\"865067123456789\",\"data\":["
                + "{\"timestamp\":1743960000,\"heartRate\":70},{\"timestamp\":1743960060,\"spO2\":\"x\"},"
                + "{\"timestamp\":1743960120,\"heartRate\":71}],\"timeStamps\":\"06/04/2025 19:00:05\"}"), "AP55",
                Instant.parse("2025-04-06T19:00:30Z"));

        assertThat(r.readings()).hasSize(2);
        assertThat(r.refusedItems()).extracting(ParseResult.RefusedItem::item).containsExactly("data[1]");
    }

    @Test
    void givenEveryItemBad_whenParsed_thenTheMessageIsRefusedWithEveryItemsField() {
        ParseResult r = parsers.parse(DeviceFamily.AVA4, json(ava4("BP_BIOLIGTH",
                "{\"scan_time\":1743963911,\"ble_addr\":\"d616f9641622\",\"bp_high\":\"x\",\"bp_low\":80}")), null,
                AT.plusSeconds(9));

        assertThat(r.valid()).isFalse();
        assertThat(r.problems()).extracting(FieldProblem::field).containsExactly("data.value.device_list[0].bp_high");
    }

    @Test
    void givenGlucometerHiAndLo_whenParsed_thenTheMeterBoundsWithComparatorsInsteadOfARefusal() {
        ParseResult r = parsers.parse(DeviceFamily.AVA4, json(ava4("Contour_Elite",
                "{\"scan_time\":1743963911,\"ble_addr\":\"d616f9641623\",\"blood_glucose\":\"HI\",\"marker\":\"Fasting\"},"
                        + "{\"scan_time\":1743963912,\"ble_addr\":\"d616f9641623\",\"blood_glucose\":\"LO\"}")), null,
                AT.plusSeconds(9));

        assertThat(r.problems()).isEmpty();
        assertThat(r.refusedItems()).isEmpty();
        assertThat(r.readings().get(0).value(MeasurementKind.VALUE)).isEqualByComparingTo("600");
        assertThat(r.readings().get(0).details()).containsEntry(ReadingDetails.COMPARATOR, ">");
        assertThat(r.readings().get(1).value(MeasurementKind.VALUE)).isEqualByComparingTo("10");
        assertThat(r.readings().get(1).details()).containsEntry(ReadingDetails.COMPARATOR, "<");
    }

    @Test
    void givenDeviceJunk_whenParsed_thenTheRaisedFloorsRefuseIt() {
        ParseResult spo2 = parsers.parse(DeviceFamily.AVA4, json(ava4("Oximeter JUMPER",
                "{\"scan_time\":1743963911,\"ble_addr\":\"c0a1b2c3d4e5\",\"spo2\":0,\"pulse\":0}")), null,
                AT.plusSeconds(9));
        ParseResult glucose = parsers.parse(DeviceFamily.AVA4, json(ava4("Contour_Elite",
                "{\"scan_time\":1743963911,\"ble_addr\":\"d616f9641623\",\"blood_glucose\":\"1\"}")), null,
                AT.plusSeconds(9));

        assertThat(spo2.problems()).extracting(FieldProblem::field).contains("data.value.device_list[0].spo2");
        assertThat(glucose.problems()).extracting(FieldProblem::field)
                .containsExactly("data.value.device_list[0].blood_glucose");
    }

    @Test
    void givenThermometerInObjectMode_whenParsed_thenAnObjectTemperatureNotABodyTemperature() {
        ParseResult r = parsers.parse(DeviceFamily.AVA4, json(ava4("IR_TEMO_JUMPER",
                "{\"scan_time\":1743963911,\"ble_addr\":\"c0a1b2c3d4e6\",\"temp\":25.5,\"mode\":\"Object\"}")), null,
                AT.plusSeconds(9));

        assertThat(r.readings()).singleElement().satisfies(t -> {
            assertThat(t.kind()).isEqualTo(MeasurementKind.OBJECT_TEMPERATURE);
            assertThat(t.value(MeasurementKind.VALUE)).isEqualByComparingTo(new BigDecimal("25.5"));
        });
    }

    @Test
    void givenCitizenIdWithAWrongCheckDigit_whenParsed_thenRefusedNamingCitiz() {
        String bp = Fixtures.text("qube-vital/bp_wbp_jumper.json");

        ParseResult wrong = parsers.parse(DeviceFamily.QUBE_VITAL, json(bp.replace("1234567890121",
                "1234567890123")), null, AT.plusSeconds(9));
        ParseResult right = parsers.parse(DeviceFamily.QUBE_VITAL, json(bp), null, AT.plusSeconds(9));

        assertThat(wrong.problems()).extracting(FieldProblem::field).containsExactly("citiz");
        assertThat(wrong.problems().get(0).reason()).contains("check digit");
        assertThat(right.valid()).isTrue();
    }

    @Test
    void givenThaiBirthDateWithUnknownDayOrMonth_whenParsed_thenTheYearAndMonthAreKept() {
        java.time.LocalDate today = java.time.LocalDate.of(2025, 4, 7);
        assertThat(QubeVitalParser.birthDate("25220713", today)).isEqualTo("1979-07-13");
        assertThat(QubeVitalParser.birthDate("25220700", today)).isEqualTo("1979-07");
        assertThat(QubeVitalParser.birthDate("25220000", today)).isEqualTo("1979");
        assertThat(QubeVitalParser.birthDate("25221300", today)).isNull();
        // Not born yet: 2056, a day after the kiosk's day, a later month of this year.
        assertThat(QubeVitalParser.birthDate("25990101", today)).isNull();
        assertThat(QubeVitalParser.birthDate("25680408", today)).isNull();
        assertThat(QubeVitalParser.birthDate("25680500", today)).isNull();
        assertThat(QubeVitalParser.birthDate("25680407", today)).isEqualTo("2025-04-07");
    }
}
