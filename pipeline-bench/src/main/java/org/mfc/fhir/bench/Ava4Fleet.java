package org.mfc.fhir.bench;

import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.mfc.fhir.core.legacy.LegacyNames;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ReplaceOptions;

import io.vertx.core.buffer.Buffer;

/**
 * A synthetic fleet of AVA4 boxes, each with one blood-pressure cuff owned by one synthetic patient. Request
 * {@code i} comes from device {@code i % size} and carries a device time one second later than that device's
 * previous reading, so every request is a distinct fact (a distinct Observation id) and ids can be recomputed.
 */
public final class Ava4Fleet {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private final int size;
    private final long firstEpochSecond;

    /** @param firstEpochSecond device time of each device's first reading */
    public Ava4Fleet(int size, long firstEpochSecond) {
        this.size = size;
        this.firstEpochSecond = firstEpochSecond;
    }

    public static String boxMac(int device) {
        return "0A" + HEX.toHexDigits(device, 10);
    }

    public static String cuffMac(int device) {
        return "0B" + HEX.toHexDigits(device, 10);
    }

    public static ObjectId patient(int device) {
        return new ObjectId(String.format("%024x", 0xBE0000000000L + device));
    }

    /** Device time of request {@code i}. */
    public long scanTime(long i) {
        return firstEpochSecond + i / size;
    }

    /** Systolic pressure of request {@code i}. */
    public static int systolic(long i) {
        return 110 + (int) (i % 40);
    }

    /** Diastolic pressure of request {@code i}. */
    public static int diastolic(long i) {
        return 70 + (int) (i % 20);
    }

    /** Number of boxes (and cuffs, and patients). */
    public int size() {
        return size;
    }

    /** Device time of each box's first reading: reading i was measured at this plus i / size seconds. */
    public long firstEpochSecond() {
        return firstEpochSecond;
    }

    public int device(long i) {
        return (int) (i % size);
    }

    public OpenLoopGenerator.Request request(long i, String path, Map<String, String> headers) {
        return new OpenLoopGenerator.Request(path, headers, Buffer.buffer(payload(i)));
    }

    /** Reading {@code i} as its box sends it (the AVA4 blood-pressure message), over HTTP or MQTT alike. */
    public String payload(long i) {
        int d = device(i);
        return "{\"from\":\"BLE\",\"to\":\"CLOUD\",\"time\":" + scanTime(i) + ",\"mac\":\"" + boxMac(d)
                + "\",\"type\":\"reportAttribute\",\"device\":\"WBP BIOLIGHT\",\"data\":{\"attribute\":\"BP_BIOLIGTH\","
                + "\"mac\":\"" + boxMac(d) + "\",\"value\":{\"device_list\":[{\"scan_time\":" + scanTime(i)
                + ",\"ble_addr\":\"" + cuffMac(d).toLowerCase() + "\",\"bp_high\":" + systolic(i)
                + ",\"bp_low\":" + diastolic(i) + ",\"PR\":" + (60 + (int) (i % 30)) + "}]}}}";
    }

    /** Registers every box, cuff and patient in the legacy registry (idempotent). */
    public void seed(MongoDatabase main) {
        ReplaceOptions upsert = new ReplaceOptions().upsert(true);
        Date now = Date.from(Instant.now());
        for (int d = 0; d < size; d++) {
            ObjectId p = patient(d);
            main.getCollection(LegacyNames.PATIENTS).replaceOne(new Document("_id", p), new Document("_id", p)
                    .append("first_name", "Bench").append("last_name", "Patient-" + d).append("is_active", true)
                    .append("is_deleted", false).append("created_at", now), upsert);
            main.getCollection(LegacyNames.AMY_DEVICES).replaceOne(new Document("patient_id", p),
                    new Document("patient_id", p).append("mac_gw", boxMac(d)).append("mac_bps", cuffMac(d)), upsert);
        }
    }
}
