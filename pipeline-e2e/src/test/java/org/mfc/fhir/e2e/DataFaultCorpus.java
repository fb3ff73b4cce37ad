package org.mfc.fhir.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.testing.Fixtures;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Well-formed JSON with adversarial content, for every family (README, "Proof under fire": data faults): odd shapes
 * inside free-form objects, operator and dotted keys, huge and tiny decimals, strings and arrays at and past their
 * bounds, unicode oddities, the same reading twice with different values. Each case says what a correct pipeline
 * does with it. Device times are recent and distinct per case, so every case is its own fact.
 */
final class DataFaultCorpus {

    /** What the pipeline must do with a case. */
    enum Expect {
        /** 4xx: refused at the API, naming the field. */
        REFUSED,
        /** 2xx, and Observations stored under its ingest id. */
        STORED,
        /** 2xx, and the alarm stored as a Flag under its ingest id. */
        ALERTED,
        /** 2xx (device status, or a duplicate fact), and never dead-lettered. */
        ACCEPTED,
        /** Either answer is right (a rule issue 15 may tighten); a 2xx is never dead-lettered. */
        EITHER
    }

    record Case(int n, String category, String name, String path, String body, Expect expect) {
    }

    /** The watch the test registry knows (patient of the blood-pressure sample). */
    static final String WATCH = "865067123456789";
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final DateTimeFormatter KATI_TIME = DateTimeFormatter.ofPattern("dd/MM/uuuu HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private final List<Case> cases = new ArrayList<>();
    private final Instant base;
    private String category;

    private DataFaultCorpus(Instant base) {
        this.base = base;
    }

    /** The whole corpus; device times are spread over the day before {@code now}. */
    static List<Case> build(Instant now) {
        DataFaultCorpus c = new DataFaultCorpus(now.minusSeconds(24 * 3600));
        c.freeFormLocations();
        c.operatorKeys();
        c.decimals();
        c.sizes();
        c.unicode();
        c.duplicates();
        c.families();
        return c.cases;
    }

    // ---- categories ----

    private void freeFormLocations() {
        category = "free-form location";
        String[] locations = {"{\"$oid\":\"zz\"}", "{\"$oid\":\"0123456789abcdef01234567\"}",
            "{\"$date\":{\"$numberLong\":\"0\"}}", "{\"$set\":{\"patient_id\":\"x\"}}", "{\"a.b\":{\"c.d\":1}}",
            "{\"GPS\":{\"$gt\":\"\"}}", "{\"GPS\":{\"latitude\":{\"$oid\":\"zz\"},\"longitude\":{\"$oid\":\"zz\"}}}",
            "{\"GPS\":{\"latitude\":\"null\",\"longitude\":\"\"}}", "{\"GPS\":{\"latitude\":91,\"longitude\":-181}}",
            "[13.7,100.5]", "\"13.7563,100.5018\"", "42", "null", "{}", "{\"\":{\"\":\"\"}}",
            "{\" \":1,\"\\t\":[]}", nested(28), "{\"WiFi\":{\"$where\":\"sleep(1000)\"},\"LBS\":{\"MCC\":{\"$ne\":null}}}",
            "{\"GPS\":{\"latitude\":\"13.7563\",\"longitude\":\"100.5018\",\"speed\":\"0.0\",\"header\":\"0\"},"
                + "\"LBS\":{\"MCC\":\"520\",\"MNC\":\"3\",\"LAC\":\"1234\",\"CID\":\"5678\"}}",
            "{\"GPS\":[{\"latitude\":1}],\"WiFi\":[\"a\"],\"LBS\":\"520/3\"}"};
        String[] names = {"$oid with a bad hex", "$oid with a good hex", "$date", "$set", "dotted keys", "$gt in GPS",
            "$oid coordinates", "\"null\" and \"\" coordinates", "coordinates out of range", "an array", "a string",
            "a number", "null", "empty", "empty keys", "blank keys", "28 levels deep", "$where and $ne",
            "numeric strings", "arrays where objects belong"};
        for (int i = 0; i < locations.length; i++) {
            String location = locations[i];
            add("SOS location: " + names[i], "/api/v1/kati/SOS", kati("kati/sos.json", o -> o.set("location",
                    json(location))), Expect.ALERTED);
        }
        add("fall location: $oid", "/api/v1/kati/fallDown", kati("kati/fall_down.json", o -> o.set("location",
                json("{\"$oid\":\"zz\"}"))), Expect.ALERTED);
        add("SOS location: 1,000 operator objects", "/api/v1/kati/sos", kati("kati/sos.json", o -> {
            ArrayNode a = o.putArray("location");
            for (int i = 0; i < 1000; i++) {
                a.add(F.objectNode().put("$x" + i, i));
            }
        }), Expect.ALERTED);
        add("SOS location: 1,001 items", "/api/v1/kati/sos", kati("kati/sos.json", o -> {
            ArrayNode a = o.putArray("location");
            for (int i = 0; i < 1001; i++) {
                a.add(i);
            }
        }), Expect.REFUSED);
        add("SOS location: 64 operator keys", "/api/v1/kati/SOS", kati("kati/sos.json", o -> {
            ObjectNode l = o.putObject("location");
            for (int i = 0; i < 64; i++) {
                l.put("$k" + i, i);
            }
        }), Expect.ALERTED);
        add("SOS location: 65 keys", "/api/v1/kati/SOS", kati("kati/sos.json", o -> {
            ObjectNode l = o.putObject("location");
            for (int i = 0; i < 65; i++) {
                l.put("k" + i, i);
            }
        }), Expect.REFUSED);
    }

    private void operatorKeys() {
        category = "operator and dotted keys";
        add("AVA4 top-level $set", "/api/v1/ava4", ava4(o -> o.set("$set", json("{\"x\":1}"))), Expect.STORED);
        add("AVA4 data.value $push", "/api/v1/ava4", ava4(o -> ((ObjectNode) o.at("/data/value")).set("$push",
                json("{}"))), Expect.STORED);
        add("AVA4 item a.b and $inc", "/api/v1/ava4", ava4(o -> item(o).put("a.b", 1).set("$inc",
                json("{\"bp_high\":1}"))), Expect.STORED);
        add("Kati VitalSign $where and $gt beside values", "/api/v1/kati/VitalSign", kati("kati/vitalsign_full.json",
                o -> {
                    o.put("$where", "1");
                    ((ObjectNode) o.get("bloodPressure")).put("$gt", 0);
                }), Expect.STORED);
        add("Kati AP55 item data.x", "/api/v1/kati/AP55", kati("kati/ap55_batch.json", o -> ((ObjectNode) o.at(
                "/data/0")).put("data.x", 1)), Expect.STORED);
        // A day's steps are one Observation that the highest count of the day replaces: accepted, maybe not its own.
        add("Kati hb $unset", "/api/v1/kati/hb", kati("kati/hb_steps.json", o -> o.put("$unset", "")),
                Expect.ACCEPTED);
        add("Kati sleep $a", "/api/v1/kati/sleepdata", kati("kati/sleepdata_night.json", o -> ((ObjectNode) o.get(
                "sleep")).put("$a", 1)), Expect.STORED);
        add("Qube value $inc", "/api/v1/qube-vital", qube("qube-vital/bp_wbp_jumper.json", o -> ((ObjectNode) o.at(
                "/data/value")).put("$inc", 1)), Expect.STORED);
        add("generic BP data $where", "/api/ava4/data", generic("generic/ava4_blood_pressure.json",
                o -> ((ObjectNode) o.get("data")).put("$where", "x")), Expect.STORED);
        add("generic steps a.b", "/api/kati/data", generic("generic/kati_steps.json",
                o -> ((ObjectNode) o.get("data")).put("a.b", 2)), Expect.ACCEPTED);
    }

    private void decimals() {
        category = "huge and tiny decimals";
        add("spO2 \"0E-999999999\"", "/api/v1/kati/VitalSign", vital(o -> o.put("spO2", "0E-999999999")),
                Expect.EITHER);
        add("spO2 \"1E-999999999\"", "/api/v1/kati/VitalSign", vital(o -> o.put("spO2", "1E-999999999")),
                Expect.REFUSED);
        add("spO2 1E+999999999", "/api/v1/kati/VitalSign", vital(o -> o.set("spO2", json("1E+999999999"))),
                Expect.REFUSED);
        add("heartRate 1e-400", "/api/v1/kati/VitalSign", vital(o -> o.set("heartRate", json("1e-400"))),
                Expect.REFUSED);
        add("heartRate 72 with 21 trailing zeros", "/api/v1/kati/VitalSign", vital(o -> o.put("heartRate",
                "72.000000000000000000000")), Expect.STORED);
        add("temperature 36.43000031", "/api/v1/kati/VitalSign", vital(o -> o.set("bodyTemperature",
                json("36.43000031"))), Expect.STORED);
        add("temperature -0.0", "/api/v1/kati/VitalSign", vital(o -> o.set("bodyTemperature", json("-0.0"))),
                Expect.EITHER);
        add("systolic 1.2e2", "/api/v1/ava4", ava4(o -> item(o).set("bp_high", json("1.2e2"))), Expect.STORED);
        add("systolic with 13 decimal places", "/api/v1/ava4", ava4(o -> item(o).put("bp_high",
                "120.0000000000001")), Expect.REFUSED);
        add("systolic of 24 digits", "/api/v1/ava4", ava4(o -> item(o).set("bp_high",
                json("123456789012345678901234"))), Expect.REFUSED);
        add("scan_time as 1.7e9-style decimal", "/api/v1/ava4", ava4(o -> item(o).set("scan_time",
                json(new java.math.BigDecimal(item(o).get("scan_time").asLong()).movePointLeft(9).toPlainString()
                        + "E9"))), Expect.EITHER);
        add("scan_time \"1e400\"", "/api/v1/ava4", ava4(o -> item(o).put("scan_time", "1e400")), Expect.REFUSED);
        add("scan_time -1", "/api/v1/ava4", ava4(o -> item(o).put("scan_time", -1)), Expect.REFUSED);
        add("glucose \"108.0\"", "/api/v1/ava4", glucose(o -> item(o).put("blood_glucose", "108.0")),
                Expect.STORED);
        add("glucose \"0x6C\"", "/api/v1/ava4", glucose(o -> item(o).put("blood_glucose", "0x6C")),
                Expect.REFUSED);
        add("Qube weight 65.4e0", "/api/v1/qube-vital", qube("qube-vital/weight_bodyscale.json",
                o -> ((ObjectNode) o.at("/data/value")).set("weight", json("65.4e0"))), Expect.STORED);
        add("Qube temperature \"36.5e0\"", "/api/v1/qube-vital", qube("qube-vital/temperature_temo.json",
                o -> ((ObjectNode) o.at("/data/value")).put("Temp", "36.5e0")), Expect.STORED);
        add("generic SpO2 pi 1E-13", "/api/ava4/data", generic("generic/ava4_spo2.json",
                o -> ((ObjectNode) o.get("data")).set("pi", json("1E-13"))), Expect.REFUSED);
        add("Kati hb step 1e6", "/api/v1/kati/hb", kati("kati/hb_steps.json", o -> o.set("step", json("1e6"))),
                Expect.EITHER);
        add("AP55 heartRate \"0E+999999999\"", "/api/v1/kati/AP55", kati("kati/ap55_batch.json",
                o -> ((ObjectNode) o.at("/data/0")).put("heartRate", "0E+999999999")), Expect.EITHER);
        add("location GPS latitude 1E-999999999", "/api/v1/kati/location", kati("kati/location_gps_numbers.json",
                o -> ((ObjectNode) o.at("/location/GPS")).set("latitude", json("1E-999999999"))), Expect.REFUSED);
        add("AP55 num_datas 1e30 (31 digits)", "/api/v1/kati/AP55", kati("kati/ap55_batch.json",
                o -> o.set("num_datas", json("1e30"))), Expect.REFUSED);
        add("AP55 num_datas 1e20", "/api/v1/kati/AP55", kati("kati/ap55_batch.json", o -> o.set("num_datas",
                json("1e20"))), Expect.STORED);
    }

    private void sizes() {
        category = "maximum lengths and sizes";
        add("IMEI of 64 digits", "/api/v1/kati/VitalSign", vital(o -> o.put("IMEI", "8".repeat(64))),
                Expect.REFUSED);
        add("IMEI of 65 characters", "/api/v1/kati/VitalSign", vital(o -> o.put("IMEI", "8".repeat(65))),
                Expect.REFUSED);
        add("IMEI of 900,000 characters", "/api/v1/kati/VitalSign", vital(o -> o.put("IMEI", ":".repeat(900_000)
                + WATCH)), Expect.REFUSED);
        add("IMEI of 1 MiB (body over the limit)", "/api/v1/kati/VitalSign", vital(o -> o.put("IMEI",
                "8".repeat(1024 * 1024))), Expect.REFUSED);
        add("AVA4 mac of 900,000 characters", "/api/v1/ava4", ava4(o -> o.put("mac", "0".repeat(900_000))),
                Expect.REFUSED);
        add("ble_addr of 900,000 characters", "/api/v1/ava4", ava4(o -> item(o).put("ble_addr", " ".repeat(900_000)
                + "d616f9641622")), Expect.REFUSED);
        add("citiz of 900,000 characters", "/api/v1/qube-vital", qube("qube-vital/bp_wbp_jumper.json",
                o -> o.put("citiz", "1".repeat(900_000))), Expect.REFUSED);
        add("device_id of 900,000 characters", "/api/ava4/data", generic("generic/ava4_blood_pressure.json",
                o -> o.put("device_id", "A".repeat(900_000))), Expect.REFUSED);
        add("glucose marker of 64 characters", "/api/v1/ava4", glucose(o -> item(o).put("marker",
                "After Meal" + "!".repeat(54))), Expect.STORED);
        add("glucose marker of 65 characters", "/api/v1/ava4", glucose(o -> item(o).put("marker",
                "After Meal" + "!".repeat(55))), Expect.REFUSED);
        add("sleep pattern of 576 characters", "/api/v1/kati/sleepdata", sleep("0".repeat(540) + "1".repeat(36)),
                Expect.STORED);
        add("sleep pattern of 577 characters", "/api/v1/kati/sleepdata", sleep("1".repeat(577)), Expect.REFUSED);
        add("sleep pattern of 1,500 minutes asleep", "/api/v1/kati/sleepdata", sleep("1".repeat(300)),
                Expect.REFUSED);
        add("sleep pattern with letters and #", "/api/v1/kati/sleepdata", sleep("0011abc#22"), Expect.STORED);
        add("sleep pattern with Thai characters", "/api/v1/kati/sleepdata", sleep("00\u0e01\u0e0222"),
                Expect.REFUSED);
        add("nameTH of 256 characters (walk-in)", "/api/v1/qube-vital", qube("qube-vital/bp_wbp_jumper.json",
                o -> o.put("nameTH", "\u0e19\u0e32\u0e22#" + "\u0e01".repeat(252))), Expect.STORED);
        add("nameTH of 257 characters", "/api/v1/qube-vital", qube("qube-vital/bp_wbp_jumper.json",
                o -> o.put("nameTH", "\u0e01".repeat(257))), Expect.REFUSED);
        add("SOS WiFi of 4,096 characters", "/api/v1/kati/SOS", kati("kati/sos.json", o -> ((ObjectNode) o.get(
                "location")).put("WiFi", "w".repeat(4096))), Expect.ALERTED);
        add("SOS WiFi of 4,097 characters", "/api/v1/kati/SOS", kati("kati/sos.json", o -> ((ObjectNode) o.get(
                "location")).put("WiFi", "w".repeat(4097))), Expect.REFUSED);
        add("device_list of 200 readings", "/api/v1/ava4", ava4(o -> {
            ArrayNode list = (ArrayNode) o.at("/data/value/device_list");
            ObjectNode first = (ObjectNode) list.get(0);
            for (int i = 1; i < 200; i++) {
                list.add(((ObjectNode) first.deepCopy()).put("scan_time", first.get("scan_time").asLong() - i).put("bp_high",
                        100 + i % 50));
            }
        }), Expect.STORED);
        add("device_list of 1,001 items", "/api/v1/ava4", ava4(o -> {
            ArrayNode list = (ArrayNode) o.at("/data/value/device_list");
            for (int i = 0; i < 1000; i++) {
                list.add(list.get(0).deepCopy());
            }
        }), Expect.REFUSED);
        add("AP55 of 300 items", "/api/v1/kati/AP55", kati("kati/ap55_batch.json", o -> {
            ArrayNode data = o.putArray("data");
            for (int i = 0; i < 300; i++) {
                data.add(F.objectNode().put("timestamp", at().getEpochSecond() - 60L * i).put("heartRate",
                        60 + i % 40));
            }
        }), Expect.STORED);
        add("AP55 of 1,001 items", "/api/v1/kati/AP55", kati("kati/ap55_batch.json", o -> {
            ArrayNode data = o.putArray("data");
            for (int i = 0; i < 1001; i++) {
                data.add(F.objectNode().put("timestamp", 1).put("heartRate", 70));
            }
        }), Expect.REFUSED);
        add("item with 64 members", "/api/v1/ava4", ava4(o -> {
            ObjectNode item = item(o);
            for (int i = item.size(); i < 64; i++) {
                item.put("extra" + i, i);
            }
        }), Expect.STORED);
        add("item with 65 members", "/api/v1/ava4", ava4(o -> {
            ObjectNode item = item(o);
            for (int i = item.size(); i < 65; i++) {
                item.put("extra" + i, i);
            }
        }), Expect.REFUSED);
        add("member name of 64 characters", "/api/v1/ava4", ava4(o -> item(o).put("k".repeat(64), 1)),
                Expect.STORED);
        add("member name of 65 characters", "/api/v1/ava4", ava4(o -> item(o).put("k".repeat(65), 1)),
                Expect.REFUSED);
        add("batch of 500 heartbeats", "/api/v1/ava4", heartbeats(500), Expect.ACCEPTED);
        add("batch of 501 heartbeats", "/api/v1/ava4", heartbeats(501), Expect.REFUSED);
    }

    private void unicode() {
        category = "unicode";
        add("marker with a zero-width space", "/api/v1/ava4", glucose(o -> item(o).put("marker",
                "After Meal\u200b")), Expect.STORED);
        add("marker with a right-to-left override", "/api/v1/ava4", glucose(o -> item(o).put("marker",
                "\u202eAfter Meal")), Expect.STORED);
        add("marker as an emoji", "/api/v1/ava4", glucose(o -> item(o).put("marker", "\ud83c\udf5a")),
                Expect.STORED);
        add("marker with NUL", "/api/v1/ava4", glucose(o -> item(o).put("marker", "After\u0000Meal")),
                Expect.REFUSED);
        // Escaped in the JSON text: a raw unpaired surrogate cannot even be sent as UTF-8.
        add("marker with an unpaired surrogate", "/api/v1/ava4", glucose(o -> item(o).put("marker", "SURROGATE"))
                .replace("SURROGATE", "\\ud800"), Expect.REFUSED);
        add("temperature mode with a combining accent", "/api/v1/qube-vital", qube(
                "qube-vital/temperature_temo.json", o -> ((ObjectNode) o.at("/data/value")).put("mode",
                        "Head\u0301")), Expect.STORED);
        add("IMEI in full-width digits", "/api/v1/kati/VitalSign", vital(o -> o.put("IMEI",
                "\uff18\uff16\uff15\uff10\uff16\uff17\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19")),
                Expect.REFUSED);
        add("box mac in Thai digits", "/api/v1/ava4", ava4(o -> {
            o.put("mac", "\u0e50\u0e58:F9:E0:D1:F7:B4").put("deviceCode", "x");
            ((ObjectNode) o.get("data")).put("mac", "\u0e50\u0e58F9E0D1F7B4");
        }), Expect.REFUSED);
        add("nameTH with no-break spaces and an emoji", "/api/v1/qube-vital", qube("qube-vital/bp_wbp_jumper.json",
                o -> o.put("nameTH", "\u0e19\u0e32\u0e22\u00a0#\u0e17\u0e14\u0e2a\u0e2d\u0e1a\ud83d\ude00##x")),
                Expect.STORED);
        add("nameEN with a byte-order mark", "/api/v1/qube-vital", qube("qube-vital/bp_wbp_jumper.json",
                o -> o.put("nameEN", "\ufeffMr.#A##B")), Expect.STORED);
        add("SOS status with a bell character", "/api/v1/kati/SOS", kati("kati/sos.json", o -> o.put("status",
                "SOS\u0007")), Expect.REFUSED);
        add("type with a no-break space", "/api/v1/ava4", ava4(o -> o.put("type", "reportAttribute\u00a0")),
                Expect.REFUSED);
        add("ble_addr with a line separator", "/api/v1/ava4", ava4(o -> item(o).put("ble_addr",
                "d616f9641622\u2028")), Expect.EITHER);
        add("generic type in full-width letters", "/api/ava4/data", generic("generic/ava4_blood_pressure.json",
                o -> o.put("type", "\uff22\uff2c\uff2f\uff2f\uff24_PRESSURE")), Expect.REFUSED);
        add("Kati topic with a right-to-left override", "/api/v1/kati/%E2%80%AEsos", kati("kati/sos.json",
                o -> { }), Expect.REFUSED);
    }

    private void duplicates() {
        category = "same reading, different values";
        add("two device_list items with one scan_time", "/api/v1/ava4", ava4(o -> {
            ArrayNode list = (ArrayNode) o.at("/data/value/device_list");
            list.add(((ObjectNode) list.get(0).deepCopy()).put("bp_high", 141));
        }), Expect.STORED);
        Instant t = next();
        add("AVA4 reading", "/api/v1/ava4", ava4At(t, o -> item(o).put("bp_high", 130)), Expect.STORED);
        add("AVA4 reading again, another systolic", "/api/v1/ava4", ava4At(t, o -> item(o).put("bp_high", 131)),
                Expect.ACCEPTED);
        Instant u = next();
        add("VitalSign heart rate", "/api/v1/kati/VitalSign", katiAt("kati/vitalsign_heart_rate_only.json", u,
                o -> o.put("heartRate", 71)), Expect.STORED);
        add("AP55 item at the same second, another heart rate", "/api/v1/kati/AP55", katiAt("kati/ap55_batch.json",
                u, o -> {
                    ArrayNode data = o.putArray("data");
                    data.add(F.objectNode().put("timestamp", u.getEpochSecond()).put("heartRate", 74));
                }), Expect.ACCEPTED);
        Instant v = next();
        add("generic batch: one reading twice, other pulse", "/api/ava4/data", "[" + generic(
                "generic/ava4_blood_pressure.json", v, o -> { }) + "," + generic("generic/ava4_blood_pressure.json",
                        v, o -> ((ObjectNode) o.get("data")).put("pulse", 90)) + "]", Expect.ACCEPTED);
        add("steps of one day, decreasing", "/api/v1/kati/hb", kati("kati/hb_steps.json", o -> o.put("step", 10)),
                Expect.ACCEPTED);
    }

    private void families() {
        category = "every family, odd but valid";
        add("AVA4 heartbeat with extra objects", "/api/v1/ava4", body("{\"type\":\"HB_Msg\",\"mac\":"
                + "\"08:F9:E0:D1:F7:B4\",\"data\":{\"msg\":\"Online\",\"$x\":{\"a.b\":[1,2]}},\"time\":1}"),
                Expect.ACCEPTED);
        add("AVA4 command result with operator values", "/api/v1/ava4", body("{\"type\":\"cmdResult\",\"mac\":"
                + "\"08:F9:E0:D1:F7:B4\",\"data\":{\"id\":\"$x\",\"code\":{\"$gt\":1}}}"), Expect.ACCEPTED);
        add("Kati onlineTrigger with an object status", "/api/v1/kati/onlineTrigger", kati(
                "kati/online_trigger.json", o -> o.set("status", json("{\"$ne\":1}"))), Expect.ACCEPTED);
        add("Kati location with objects in LBS", "/api/v1/kati/location", kati("kati/location_gps_numbers.json",
                o -> ((ObjectNode) o.get("location")).set("LBS", json("{\"MCC\":{\"$gt\":1}}"))), Expect.ACCEPTED);
        add("Qube heartbeat with a 4,096-character member", "/api/v1/qube-vital", body(("{\"from\":\"PI_GW\","
                + "\"type\":\"HB_Msg\",\"mac\":\"e4:5f:01:ed:82:59\",\"data\":{\"msg\":\"Online\"},\"note\":\"%s\"}")
                .formatted("n".repeat(4096))), Expect.ACCEPTED);
        add("Qube walk-in with birth date 99999999", "/api/v1/qube-vital", qube("qube-vital/bp_wbp_jumper.json",
                o -> o.put("brith", "99999999")), Expect.STORED);
        add("Qube walk-in with an operator gender", "/api/v1/qube-vital", qube("qube-vital/bp_wbp_jumper.json",
                o -> o.set("gender", json("{\"$ne\":1}"))), Expect.STORED);
        add("generic sleep with sleep_num \"1e400\"", "/api/kati/data", generic("generic/kati_sleep.json", night(),
                o -> ((ObjectNode) o.get("data")).put("sleep_num", "1e400")), Expect.STORED);
        add("generic weight with height and BMI as strings", "/api/ava4/data", generic("generic/ava4_weight.json",
                o -> ((ObjectNode) o.get("data")).put("height", "170.0").put("bmi", "22.6")), Expect.STORED);
        add("generic creatinine 1e-5", "/api/ava4/data", generic("generic/ava4_creatinine.json",
                o -> ((ObjectNode) o.get("data")).set("creatinine", json("1e-5"))), Expect.EITHER);
        add("Kati sleepdata with a heartbeat body", "/api/v1/kati/sleepdata", kati("kati/sleepdata_without_sleep.json",
                o -> o.put("$x", 1)), Expect.ACCEPTED);
        add("Kati VitalSign with every vital as a numeric string", "/api/v1/kati/VitalSign", kati(
                "kati/vitalsign_strings_and_key_case.json", o -> { }), Expect.STORED);
        add("Qube glucose with HI", "/api/v1/qube-vital", qube("qube-vital/glucose_contour.json",
                o -> ((ObjectNode) o.at("/data/value")).put("blood_glucose", "HI")), Expect.EITHER);
    }

    // ---- builders ----

    private void add(String name, String path, String body, Expect expect) {
        cases.add(new Case(cases.size() + 1, category, name, path, body, expect));
    }

    /** A device time shared by the next two cases (a fact sent twice). */
    private Instant next() {
        return base.plusSeconds(300L * (cases.size() + 1) + 150);
    }

    /** The device time of the case being built. */
    private Instant at() {
        return base.plusSeconds(300L * (cases.size() + 1));
    }

    private String ava4(Consumer<ObjectNode> change) {
        return ava4At(at(), change);
    }

    private static String ava4At(Instant t, Consumer<ObjectNode> change) {
        ObjectNode o = (ObjectNode) Fixtures.json("ava4/bp_biolight.json");
        o.put("time", t.getEpochSecond());
        item(o).put("scan_time", t.getEpochSecond());
        change.accept(o);
        return o.toString();
    }

    private String glucose(Consumer<ObjectNode> change) {
        return ava4(o -> {
            ((ObjectNode) o.get("data")).put("attribute", "Contour_Elite");
            ObjectNode item = item(o);
            item.remove("bp_high");
            item.remove("bp_low");
            item.remove("PR");
            item.put("blood_glucose", "108").put("marker", "After Meal");
            change.accept(o);
        });
    }

    private static ObjectNode item(ObjectNode ava4) {
        return (ObjectNode) ava4.at("/data/value/device_list/0");
    }

    private String kati(String fixture, Consumer<ObjectNode> change) {
        return katiAt(fixture, at(), change);
    }

    private static String katiAt(String fixture, Instant t, Consumer<ObjectNode> change) {
        ObjectNode o = (ObjectNode) Fixtures.json(fixture);
        // The fixture's own IMEI is replaced, in whatever letter case it spells the key: two spellings of one key
        // are refused as ambiguous.
        List<String> spellings = new ArrayList<>();
        o.fieldNames().forEachRemaining(n -> {
            if (n.equalsIgnoreCase("IMEI")) {
                spellings.add(n);
            }
        });
        o.remove(spellings);
        o.put("IMEI", WATCH);
        if (o.has("timeStamps")) {
            o.put("timeStamps", KATI_TIME.format(t));
        }
        if (o.get("data") instanceof ArrayNode items) {
            for (int i = 0; i < items.size(); i++) {
                ((ObjectNode) items.get(i)).put("timestamp", t.getEpochSecond() - 60L * i);
            }
        }
        if (o.get("sleep") instanceof ObjectNode sleep) {
            sleep.put("timeStamps", KATI_TIME.format(t));
        }
        change.accept(o);
        return o.toString();
    }

    private String vital(Consumer<ObjectNode> change) {
        return kati("kati/vitalsign_full.json", change);
    }

    /** A night of its own (one Observation per watch and night): a day per case back from the base time. */
    private String sleep(String pattern) {
        return katiAt("kati/sleepdata_night.json", night(), o -> ((ObjectNode) o.get("sleep")).put("data", pattern)
                .put("num", pattern.length()));
    }

    private Instant night() {
        return base.minusSeconds(86_400L * (cases.size() + 1));
    }

    private String qube(String fixture, Consumer<ObjectNode> change) {
        ObjectNode o = (ObjectNode) Fixtures.json(fixture);
        o.put("time", at().getEpochSecond());
        // Each case its own walk-in patient: a valid citizen id, unique within the run.
        o.put("citiz", citizenId(cases.size() + 1));
        change.accept(o);
        return o.toString();
    }

    private String generic(String fixture, Consumer<ObjectNode> change) {
        return generic(fixture, at(), change);
    }

    private static String generic(String fixture, Instant t, Consumer<ObjectNode> change) {
        ObjectNode o = (ObjectNode) Fixtures.json(fixture);
        o.put("timestamp", t.toString());
        change.accept(o);
        return o.toString();
    }

    /** A 13-digit Thai citizen id with a valid check digit: 39, eleven digits from {@code n}, the check digit. */
    static String citizenId(int n) {
        String twelve = "39" + String.format("%010d", n);
        int sum = 0;
        for (int i = 0; i < 12; i++) {
            sum += (twelve.charAt(i) - '0') * (13 - i);
        }
        return twelve + (11 - sum % 11) % 10;
    }

    private static String heartbeats(int n) {
        ArrayNode batch = F.arrayNode();
        for (int i = 0; i < n; i++) {
            batch.add(json("{\"type\":\"HB_Msg\",\"mac\":\"08:F9:E0:D1:F7:B4\",\"data\":{\"msg\":\"Online\"}}"));
        }
        return batch.toString();
    }

    private static String body(String text) {
        return json(text).toString();
    }

    private static String nested(int levels) {
        return "{\"a\":".repeat(levels) + "1" + "}".repeat(levels);
    }

    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
