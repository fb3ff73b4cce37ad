package org.mfc.fhir.core.process;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.model.DeviceFamily;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * One message of each common kind, as devices send them, for start-up rehearsals: the hosts run the request path and
 * the mapping over these until the JIT has compiled them, before they report ready. The devices are from the MAC
 * documentation range (00:00:5E:00:53:xx) and an all-zero IMEI, the person is nobody; nothing made from them is ever
 * published or stored.
 */
public final class RehearsalSamples {

    /** A device message as posted: family, Kati topic or generic body type (else null), body. */
    public record Sample(DeviceFamily family, String topic, String body) {
    }

    private static final List<Sample> SAMPLES = List.of(
            new Sample(DeviceFamily.AVA4, null, """
                    {"from":"BLE","to":"CLOUD","time":1743963911,"mac":"00:00:5E:00:53:01",\
                    "type":"reportAttribute","device":"WBP BIOLIGHT","data":{"attribute":"BP_BIOLIGTH",\
                    "mac":"00:00:5E:00:53:01","value":{"device_list":[{"scan_time":1743963911,\
                    "ble_addr":"00005e005302","bp_high":121,"bp_low":79,"PR":70}]}}}"""),
            new Sample(DeviceFamily.KATI, "VitalSign", """
                    {"IMEI":"000000000000000","heartRate":72,"bloodPressure":{"bp_sys":122,"bp_dia":78},\
                    "bodyTemperature":36.6,"spO2":97,"battery":80,"signalGSM":70,\
                    "timeStamps":"06/04/2025 18:25:11"}"""),
            new Sample(DeviceFamily.KATI, "AP55", """
                    {"IMEI":"000000000000000","num_datas":2,"data":[{"timestamp":1743960000,"heartRate":70,\
                    "bloodPressure":{"bp_sys":120,"bp_dia":80},"spO2":98,"bodyTemperature":36.5},\
                    {"timestamp":"1743963600","heartRate":75,"spO2":97}],"timeStamps":"06/04/2025 19:00:05"}"""),
            new Sample(DeviceFamily.QUBE_VITAL, null, """
                    {"from":"PI","to":"CLOUD","time":1743963911,"mac":"00:00:5E:00:53:03",\
                    "type":"reportAttribute","citiz":"0000000000001","nameTH":"#","nameEN":"#",\
                    "brith":"25200101","gender":"1","data":{"attribute":"WBP_JUMPER",\
                    "ble_mac":"00:00:5E:00:53:04","value":{"bp_high":120,"bp_low":78,"pr":71}}}"""),
            new Sample(DeviceFamily.GENERIC, DeviceFamily.AVA4.name(), """
                    {"timestamp":"2025-04-06T18:25:11Z","device_id":"00:00:5E:00:53:05",\
                    "type":"BLOOD_PRESSURE","data":{"systolic":120,"diastolic":80,"pulse":72}}"""));

    private RehearsalSamples() {
    }

    public static List<Sample> messages() {
        return SAMPLES;
    }

    /** The samples as queued records, as the ingest API would have published them at {@code receivedAt}. */
    public static List<IngestRecord> records(Instant receivedAt) {
        List<IngestRecord> records = new ArrayList<>(SAMPLES.size());
        for (int i = 0; i < SAMPLES.size(); i++) {
            Sample s = SAMPLES.get(i);
            try {
                records.add(new IngestRecord("rehearsal", i, s.family(), s.topic(), "rehearsal", "rehearsal",
                        receivedAt.toString(), Json.mapper().readTree(s.body())));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("rehearsal sample " + i + " is not JSON", e);
            }
        }
        return records;
    }
}
