package org.mfc.fhir.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.FieldProblem;
import org.mfc.fhir.core.parse.ParseResult;
import org.mfc.fhir.core.parse.Parsers;
import org.mfc.fhir.core.testing.Fixtures;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The bounds every message is held to before parsing, and that the API and the worker share. */
class PayloadLimitsTest {

    private static final Instant RECEIVED = Instant.parse("2025-04-06T18:30:00Z");
    private final Parsers parsers = new Parsers();

    private static JsonNode json(String text) throws JsonProcessingException {
        return Json.mapper().readTree(text);
    }

    @Test
    void givenDecimalsOfEveryShape_whenBounded_thenCarriedAsWrittenOrRefused() {
        assertThat(PayloadLimits.bounded(new BigDecimal("120"))).isEqualByComparingTo("120").hasToString("120");
        assertThat(PayloadLimits.bounded(new BigDecimal("36.43000031"))).hasToString("36.43000031");
        assertThat(PayloadLimits.bounded(new BigDecimal("36.4300000000000000000"))).hasToString("36.43");
        assertThat(PayloadLimits.bounded(new BigDecimal("1E+2"))).hasToString("100");
        assertThat(PayloadLimits.bounded(new BigDecimal("0E-999999999"))).hasToString("0");
        assertThat(PayloadLimits.bounded(new BigDecimal("0.0"))).hasToString("0.0");
        assertThat(PayloadLimits.bounded(new BigDecimal("1E-999999999"))).isNull();
        assertThat(PayloadLimits.bounded(new BigDecimal("1E+999999999"))).isNull();
        assertThat(PayloadLimits.bounded(new BigDecimal("0.0000000000001"))).isNull();
        assertThat(PayloadLimits.bounded(new BigDecimal("1234567890123456789012345"))).isNull();
        assertThat(PayloadLimits.bounded(new BigDecimal("123456789012345678901234"))).isNotNull();
    }

    @Test
    void givenHugeScaleSpO2_whenParsed_thenRefusedNamingTheField() throws Exception {
        ObjectNode vital = (ObjectNode) Fixtures.json("kati/vitalsign_full.json");
        vital.put("spO2", "0E-999999999");
        // Read as the zero it is (not refused for its scale); a saturation of 0 is then refused as impossible,
        // alone: the watch's other vitals are measurements of their own.
        ParseResult zero = parsers.parse(DeviceFamily.KATI, vital, "VitalSign", RECEIVED);
        assertThat(zero.problems()).isEmpty();
        assertThat(zero.refusedItems()).singleElement().satisfies(item -> assertThat(item.problems())
                .singleElement().satisfies(p -> assertThat(p.reason()).contains("possible range")));
        vital.put("spO2", "1E-999999999");
        ParseResult r = parsers.parse(DeviceFamily.KATI, vital, "VitalSign", RECEIVED);
        assertThat(r.problems()).extracting(FieldProblem::field).containsExactly("spO2");
        vital.set("spO2", json("1e-999999999"));
        assertThat(parsers.parse(DeviceFamily.KATI, vital, "VitalSign", RECEIVED).problems())
                .extracting(FieldProblem::field).containsExactly("spO2");
    }

    @Test
    void givenMegabyteImei_whenParsed_thenRefusedAsTooLongNamingTheField() {
        ObjectNode vital = (ObjectNode) Fixtures.json("kati/vitalsign_full.json");
        vital.put("IMEI", "8".repeat(1024 * 1024));
        ParseResult r = parsers.parse(DeviceFamily.KATI, vital, "VitalSign", RECEIVED);
        assertThat(r.problems()).containsExactly(new FieldProblem("IMEI", "must be at most 64 characters"));
        vital.put("IMEI", ":".repeat(900_000) + "865067123456789");
        assertThat(parsers.parse(DeviceFamily.KATI, vital, "VitalSign", RECEIVED).problems())
                .extracting(FieldProblem::field).containsExactly("IMEI");
    }

    @Test
    void givenOverSizedShapes_whenChecked_thenEachBoundNamesItsPath() throws Exception {
        ObjectNode wide = Json.mapper().createObjectNode();
        for (int i = 0; i <= PayloadLimits.MAX_KEYS_PER_OBJECT; i++) {
            wide.put("k" + i, i);
        }
        assertThat(PayloadLimits.check(wide)).containsExactly(new FieldProblem("$", "has more than 64 members"));

        ObjectNode longArray = Json.mapper().createObjectNode();
        var items = longArray.putObject("data").putArray("device_list");
        for (int i = 0; i <= PayloadLimits.MAX_ARRAY_ITEMS; i++) {
            items.add(i);
        }
        assertThat(PayloadLimits.check(longArray)).containsExactly(new FieldProblem("data.device_list",
                "has more than 1000 items"));

        assertThat(PayloadLimits.check(json("{\"" + "k".repeat(65) + "\":1}"))).extracting(FieldProblem::reason)
                .containsExactly("has a member name longer than 64 characters");
        assertThat(PayloadLimits.check(json("{\"WiFi\":\"" + "w".repeat(4097) + "\"}"))).containsExactly(
                new FieldProblem("WiFi", "must be at most 4096 characters"));
        assertThat(PayloadLimits.check(json("{\"marker\":\"" + "m".repeat(65) + "\"}"))).containsExactly(
                new FieldProblem("marker", "must be at most 64 characters"));
        assertThat(PayloadLimits.check(json("{\"sleep\":{\"data\":\"" + "1".repeat(577) + "\"}}")))
                .containsExactly(new FieldProblem("sleep.data", "must be at most 576 characters"));
        assertThat(PayloadLimits.check(json("{\"\":{\"x\":\"1E-999999999\",\"y\":1e-99}}")))
                .containsExactly(new FieldProblem("\"\".y", PayloadLimits.decimalBoundsReason()));
    }

    @Test
    void givenControlCharactersAndUnpairedSurrogates_whenChecked_thenRefusedButTextWithNewlinesAndThaiAccepted()
            throws Exception {
        assertThat(PayloadLimits.check(json("{\"nameTH\":\"a\\u0000b\"}"))).extracting(FieldProblem::field)
                .containsExactly("nameTH");
        assertThat(PayloadLimits.check(json("{\"marker\":\"\\ud800x\"}"))).extracting(FieldProblem::field)
                .containsExactly("marker");
        assertThat(PayloadLimits.check(json("{\"marker\":\"x\\udc00\"}"))).hasSize(1);
        assertThat(PayloadLimits.check(json("{\"nameTH\":\"\u0e19\u0e32\u0e22#\u0e17\u0e14\u0e2a\u0e2d\u0e1a\\n\","
                + "\"emoji\":\"\\ud83d\\ude00\\t\"}"))).isEmpty();
    }

    @Test
    void givenPayloadAtTheDeepestNestingTheApiAccepts_whenQueuedAsRecord_thenTheWorkerReadsIt() throws Exception {
        String deepest = "{\"a\":".repeat(Json.MAX_NESTING_DEPTH - 1) + "{}" + "}".repeat(Json.MAX_NESTING_DEPTH - 1);
        JsonNode payload = Json.mapper().readTree(deepest);
        IngestRecord record = new IngestRecord("ing", 0, DeviceFamily.KATI, "hb", "imei-1", "c", RECEIVED.toString(),
                payload);
        String value = Json.mapper().writeValueAsString(record);

        assertThat(Json.recordMapper().readValue(value, IngestRecord.class).payload()).isEqualTo(payload);
        assertThat(PayloadLimits.check(payload)).isEmpty();
        assertThatThrownBy(() -> Json.mapper().readTree("[" + deepest + "]"))
                .isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void givenAtMostHundredProblems_whenManyFieldsAreOutOfBounds_thenTheListStopsThere() throws Exception {
        ObjectNode many = Json.mapper().createObjectNode();
        var arr = many.putArray("data");
        for (int i = 0; i < 500; i++) {
            arr.add("x".repeat(600));
        }
        List<FieldProblem> problems = PayloadLimits.check(many);
        assertThat(problems).hasSize(PayloadLimits.MAX_PROBLEMS);
    }
}
