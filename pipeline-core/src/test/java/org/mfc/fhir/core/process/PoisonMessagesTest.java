package org.mfc.fhir.core.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.fhir.FhirJson;
import org.mfc.fhir.core.fhir.SampleReadings;
import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.parse.ParseResult;
import org.mfc.fhir.core.parse.Parsers;
import org.mfc.fhir.core.testing.Fixtures;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Messages the API accepts whose content once stopped the worker: each is stored (or explained) and the readings
 * beside it are stored.
 */
class PoisonMessagesTest {

    private static final Instant RECEIVED = Instant.parse("2025-04-06T18:41:00Z");
    private final ProcessorHarness h = new ProcessorHarness(true);
    private final Parsers parsers = new Parsers();

    @AfterEach
    void close() {
        h.close();
    }

    private IngestRecord kati(String topic, ObjectNode payload) {
        payload.put("IMEI", SampleReadings.WATCH.id());
        ParseResult parsed = parsers.parse(DeviceFamily.KATI, payload, topic, RECEIVED);
        assertThat(parsed.problems()).as("the API accepts it").isEmpty();
        return h.message(DeviceFamily.KATI, parsed);
    }

    private static ObjectNode sosWithLocation(String timeStamps, String locationJson) throws Exception {
        ObjectNode sos = (ObjectNode) Fixtures.json("kati/sos.json");
        sos.put("timeStamps", timeStamps);
        sos.set("location", Json.mapper().readTree(locationJson));
        return sos;
    }

    @Test
    void givenSosWhoseLocationIsAnExtendedJsonObjectId_whenProcessed_thenAlarmStoredAndReadingsBesideItStored()
            throws Exception {
        ReadingProcessorTest.seedRegistry(h);
        List<IngestRecord> batch = List.of(h.message(DeviceFamily.KATI, SampleReadings.of(MeasurementKind.HEART_RATE)),
                kati("SOS", sosWithLocation("06/04/2025 18:40:00", "{\"$oid\": \"zz\"}")),
                kati("sos", sosWithLocation("06/04/2025 18:40:30", "{\"GPS\":{\"latitude\":\"13.7\",\"longitude\":\"100.5\",\"$set\":1,"
                        + "\"a.b\":2},\"$where\":\"x\",\"LBS\":{\"MCC\":{\"$gt\":1},\"MNC\":\"03\",\"LAC\":1234,"
                        + "\"CID\":\"0005678\"},"
                        + "\"WiFi\":{\"$oid\":\"0123456789abcdef01234567\"}}")));

        BatchResult result = h.processor.process(batch);

        assertThat(result.outcomes()).extracting(RecordOutcome::status).containsExactly(RecordOutcome.Status.STORED,
                RecordOutcome.Status.ALERTED, RecordOutcome.Status.ALERTED);
        List<Document> alarms = h.main.getCollection("emergency_alarm").find().sort(new Document("alert_data"
                + ".timestamp", 1)).into(new ArrayList<>());
        assertThat(alarms).hasSize(2);
        for (Document alarm : alarms) {
            assertThat(alarm.get("alert_data", Document.class).toJson()).doesNotContain("$oid")
                    .doesNotContain("$set").doesNotContain("a.b").doesNotContain("$where").doesNotContain("$gt");
        }
        // Nothing usable in {"$oid": "zz"}: no location rather than a refused alarm.
        assertThat(alarms.get(0).get("alert_data", Document.class).get("location")).isNull();
        Document location = alarms.get(1).get("alert_data", Document.class).get("location", Document.class);
        assertThat(location.keySet()).containsExactly("GPS", "LBS");
        assertThat(location.get("GPS", Document.class).keySet()).containsExactly("latitude", "longitude");
        // Cell codes are identifiers, kept as sent: text with its leading zeros, a whole number whole.
        Document lbs = location.get("LBS", Document.class);
        assertThat(lbs.keySet()).containsExactly("MNC", "LAC", "CID");
        assertThat(lbs).contains(entry("MNC", "03"), entry("CID", "0005678"));
        assertThat(((Number) lbs.get("LAC")).longValue()).isEqualTo(1234L);
        assertThat(h.fhirDb.getCollection("fhir_flags").countDocuments()).isEqualTo(2);
        assertThat(h.fhirDb.getCollection("fhir_observations").countDocuments()).isEqualTo(1);
    }

    @Test
    void givenSosWithLegacyRoutingOff_whenProcessed_thenTheAlarmIsDurableAsAFlagInTheFhirDatabase() throws Exception {
        try (ProcessorHarness noLegacy = new ProcessorHarness(false)) {
            ReadingProcessorTest.seedRegistry(noLegacy);
            ObjectNode sos = (ObjectNode) Fixtures.json("kati/sos.json");
            sos.put("IMEI", SampleReadings.WATCH.id());
            ParseResult parsed = parsers.parse(DeviceFamily.KATI, sos, "SOS", RECEIVED);
            BatchResult result = noLegacy.processor.process(List.of(noLegacy.message(DeviceFamily.KATI, parsed)));

            assertThat(result.outcomes().get(0).status()).isEqualTo(RecordOutcome.Status.ALERTED);
            assertThat(noLegacy.main.getCollection("emergency_alarm").countDocuments()).isZero();
            Document flag = noLegacy.fhirDb.getCollection("fhir_flags").find().first();
            assertThat(flag).isNotNull();
            assertThat(result.outcomes().get(0).resourceIds()).containsExactly("Flag/" + flag.getString("_id"));
            assertThat(flag.getString("patient_id")).isEqualTo(SampleReadings.PATIENT);
            org.hl7.fhir.r5.model.Flag resource = FhirJson.parse(org.hl7.fhir.r5.model.Flag.class,
                    flag.get("resource_data", Document.class).toJson());
            assertThat(resource.getStatus()).isEqualTo(org.hl7.fhir.r5.model.Flag.FlagStatus.ACTIVE);
            assertThat(resource.getCode().getCodingFirstRep().getCode()).isEqualTo("sos");
            assertThat(resource.getSubject().getReference()).isEqualTo("Patient/" + SampleReadings.PATIENT);

            noLegacy.processor.process(List.of(noLegacy.message(DeviceFamily.KATI, parsed)));
            assertThat(noLegacy.fhirDb.getCollection("fhir_flags").countDocuments()).isEqualTo(1);
        }
    }

    @Test
    void givenHugeScaleDecimalSentAsZero_whenProcessed_thenStoredAsZeroWithoutFormattingTheScale() throws Exception {
        ReadingProcessorTest.seedRegistry(h);
        ObjectNode vital = (ObjectNode) Fixtures.json("kati/vitalsign_full.json");
        vital.put("bodyTemperature", "36.5000000000000000000000000000000");
        IngestRecord record = kati("VitalSign", vital);

        BatchResult result = h.processor.process(List.of(record));

        assertThat(result.outcomes().get(0).status()).isEqualTo(RecordOutcome.Status.STORED);
        // A watch's temperature is its wrist skin temperature (39106-0).
        Document temperature = h.fhirDb.getCollection("fhir_observations").find(
                com.mongodb.client.model.Filters.eq("code", "39106-0")).first();
        assertThat(temperature.get("resource_data", Document.class).get("valueQuantity", Document.class)
                .get("value").toString()).isEqualTo("36.5");
    }
}
