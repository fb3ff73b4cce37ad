package org.mfc.fhir.core.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.IdType;
import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.model.Reading;
import org.mfc.fhir.core.testing.Fixtures;

class Ava4ParserTest {

    private static final Instant RECEIVED = Instant.parse("2025-04-06T18:25:20Z");
    private final Parsers parsers = new Parsers();

    @Test
    void givenBiolightCuffSample_whenParsed_thenOneBloodPressureReadingTimedByScanTime() {
        ParseResult r = parsers.parse(DeviceFamily.AVA4, Fixtures.json("ava4/bp_biolight.json"), null, RECEIVED);

        assertThat(r.problems()).isEmpty();
        assertThat(r.messageClass()).isEqualTo(MessageClass.READINGS);
        assertThat(r.source().type()).isEqualTo(IdType.BOX_MAC);
        assertThat(r.source().id()).isEqualTo("08F9E0D1F7B4");
        assertThat(r.readings()).hasSize(1);
        Reading bp = r.readings().get(0);
        assertThat(bp.kind()).isEqualTo(MeasurementKind.BLOOD_PRESSURE);
        assertThat(bp.device().type()).isEqualTo(IdType.BLE_MAC);
        assertThat(bp.device().id()).isEqualTo("D616F9641622");
        assertThat(bp.gateway().id()).isEqualTo("08F9E0D1F7B4");
        assertThat(bp.deviceTime()).isEqualTo(Instant.parse("2025-04-06T18:25:11Z"));
        assertThat(bp.values()).containsEntry("systolic", new BigDecimal("137"))
                .containsEntry("diastolic", new BigDecimal("95")).containsEntry("pulse", new BigDecimal("74"));
    }

    @Test
    void givenSeveralItems_whenParsed_thenEachItemIsItsOwnReadingWithItsOwnTime() throws Exception {
        String body = """
                {"type":"reportAttribute","mac":"DC:DA:0C:5A:80:64","data":{"attribute":"Oximeter JUMPER",
                 "value":{"device_list":[
                   {"scan_time":1743963000,"ble_addr":"AABBCCDDEEFF","spo2":"97","pulse":70,"pi":"3.5"},
                   {"scan_time":1743963060,"ble_addr":"aa:bb:cc:dd:ee:ff","spo2":98}]}}}""";
        ParseResult r = parsers.parse(DeviceFamily.AVA4, Json.mapper().readTree(body), null, RECEIVED);

        assertThat(r.problems()).isEmpty();
        assertThat(r.readings()).extracting(Reading::deviceTime)
                .containsExactly(Instant.ofEpochSecond(1743963000), Instant.ofEpochSecond(1743963060));
        assertThat(r.readings().get(0).values()).containsEntry("value", new BigDecimal("97"))
                .containsEntry("pi", new BigDecimal("3.5"));
        assertThat(r.readings().get(1).device().id()).isEqualTo("AABBCCDDEEFF");
    }

    @Test
    void givenOximeterThatMissedThePulse_whenParsed_thenSpo2KeptAndThePulseAloneRefused() throws Exception {
        String body = """
                {"type":"reportAttribute","mac":"DC:DA:0C:5A:80:64","data":{"attribute":"Oximeter JUMPER",
                 "value":{"device_list":[
                   {"scan_time":1743963000,"ble_addr":"AABBCCDDEEFF","spo2":97,"pulse":0,"pi":3.1},
                   {"scan_time":1743963060,"ble_addr":"AABBCCDDEEFF","spo2":20,"pulse":70}]}}}""";
        ParseResult r = parsers.parse(DeviceFamily.AVA4, Json.mapper().readTree(body), null, RECEIVED);

        assertThat(r.valid()).isTrue();
        assertThat(r.readings()).singleElement().satisfies(reading -> assertThat(reading.values())
                .containsOnlyKeys("value", "pi").containsEntry("value", new BigDecimal("97")));
        // The pulse alone, named as the pulse; an impossible SpO2 still refuses its whole item.
        assertThat(r.refusedItems()).extracting(ParseResult.RefusedItem::item).containsExactly(
                "data.value.device_list[0].pulse", "data.value.device_list[1]");
        assertThat(r.refusedItems().get(0).problems()).singleElement().satisfies(p -> assertThat(p.reason())
                .contains("10..350", "(pulse)"));
    }

    @Test
    void givenNonNumericValueAndUnknownAttribute_whenParsed_thenProblemsNameTheFields() throws Exception {
        String bad = """
                {"type":"reportAttribute","mac":"DC:DA:0C:5A:80:64","data":{"attribute":"BP_BIOLIGTH",
                 "value":{"device_list":[{"scan_time":1743963911,"ble_addr":"d616f9641622","bp_high":"high",
                 "bp_low":95}]}}}""";
        ParseResult r = parsers.parse(DeviceFamily.AVA4, Json.mapper().readTree(bad), null, RECEIVED);
        assertThat(r.valid()).isFalse();
        assertThat(r.problems()).extracting(p -> p.field())
                .containsExactly("data.value.device_list[0].bp_high");

        String unknown = bad.replace("BP_BIOLIGTH", "NOT_A_DEVICE");
        assertThat(parsers.parse(DeviceFamily.AVA4, Json.mapper().readTree(unknown), null, RECEIVED).problems())
                .extracting(p -> p.field()).containsExactly("data.attribute");
    }

    @Test
    void givenClockYearsAhead_whenParsed_thenScanTimeRejected() throws Exception {
        String ahead = Fixtures.text("ava4/bp_biolight.json").replace("\"scan_time\":1743963911",
                "\"scan_time\":1900000000");
        ParseResult r = parsers.parse(DeviceFamily.AVA4, Json.mapper().readTree(ahead), null, RECEIVED);
        assertThat(r.problems()).extracting(p -> p.field()).containsExactly("data.value.device_list[0].scan_time");
    }

    @Test
    void givenAValueSentTwiceInDifferentLetterCases_whenParsed_thenRefusedNamingItNotOneOfThemPicked()
            throws Exception {
        for (String twice : List.of("\"bp_high\":137,\"BP_HIGH\":200", "\"Bp_High\":171,\"bP_hIGH\":90")) {
            String body = Fixtures.text("ava4/bp_biolight.json").replace("\"bp_high\":137", twice);
            ParseResult r = parsers.parse(DeviceFamily.AVA4, Json.mapper().readTree(body), null, RECEIVED);
            assertThat(r.valid()).as(twice).isFalse();
            assertThat(r.problems()).singleElement().satisfies(p -> {
                assertThat(p.field()).isEqualToIgnoringCase("bp_high");
                assertThat(p.reason()).contains("letter cases").doesNotContain("200", "171", "90");
            });
        }
    }

    @Test
    void givenHeartbeat_whenParsed_thenDeviceStatusWithoutReadings() throws Exception {
        String hb = """
                {"from":"ESP32_GW","to":"CLOUD","name":"AVA4","type":"HB_Msg","mac":"DC:DA:0C:5A:80:64",
                 "IMEI":"865067123456789","ICCID":"8966031234567890121","time":1743963911,"data":{"msg":"Online"}}""";
        ParseResult r = parsers.parse(DeviceFamily.AVA4, Json.mapper().readTree(hb), null, RECEIVED);
        assertThat(r.valid()).isTrue();
        assertThat(r.messageClass()).isEqualTo(MessageClass.DEVICE_STATUS);
        assertThat(r.readings()).isEmpty();
    }
}
