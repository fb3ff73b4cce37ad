package org.mfc.fhir.core.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.fhir.ProvenanceMapper;
import org.mfc.fhir.core.fhir.SampleReadings;
import org.mfc.fhir.core.ids.DeterministicIds;
import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.model.Reading;
import org.mfc.fhir.core.parse.AlertEvent;
import org.mfc.fhir.core.parse.AlertNotice;
import org.mfc.fhir.core.legacy.LegacyStore;
import org.mfc.fhir.core.store.ParkedReadingStore;

import com.mongodb.client.model.Filters;

class ReadingProcessorTest {

    static final ObjectId PATIENT = new ObjectId(SampleReadings.PATIENT);

    private final ProcessorHarness h = new ProcessorHarness(true);

    @AfterEach
    void close() {
        h.close();
    }

    /** The registry knows every sample device as the sample patient's, in the noisy spellings of production. */
    static void seedRegistry(ProcessorHarness h) {
        h.main.getCollection("patients").insertOne(new Document("_id", PATIENT).append("first_name", "Test")
                .append("last_name", "Patient-One").append("id_card", " 1100000000008 ").append("gender", "female")
                .append("is_active", true).append("is_deleted", false));
        h.main.getCollection("watches").insertOne(new Document("imei", ":" + SampleReadings.WATCH.id())
                .append("patient_id", PATIENT.toHexString()));
        h.main.getCollection("amy_boxes").insertOne(new Document("mac_address", "08:f9:e0:d1:f7:b4 ")
                .append("patient_id", PATIENT));
    }

    /** Whose record a message's Observations landed in. */
    private List<String> observationPatients(IngestRecord msg) {
        List<String> out = new ArrayList<>();
        h.fhirDb.getCollection("fhir_observations").find(Filters.eq("source_message_id", msg.ingestId()))
                .forEach(d -> out.add(d.getString("patient_id")));
        return out;
    }

    @Test
    void givenBoxTokenNamingAnotherPatientsCuff_whenProcessed_thenStoredForTheBoxPatientOnly() {
        seedRegistry(h);
        ObjectId neighbour = new ObjectId("65f0000000000000000000aa");
        h.main.getCollection("patients").insertOne(new Document("_id", neighbour).append("is_deleted", false));
        // The sample cuff belongs to a patient of another box.
        h.main.getCollection("amy_devices").insertOne(new Document("patient_id", neighbour)
                .append("mac_gw", "AA:BB:CC:00:00:01").append("mac_bps", "d6:16:f9:64:16:22"));
        Reading foreignCuff = SampleReadings.of(MeasurementKind.BLOOD_PRESSURE);

        IngestRecord bound = ProcessorHarness.deviceBound(h.message(DeviceFamily.AVA4, foreignCuff));
        assertThat(h.processor.process(List.of(bound)).count(RecordOutcome.Status.STORED)).isEqualTo(1);
        assertThat(observationPatients(bound)).isNotEmpty().containsOnly(PATIENT.toHexString());

        // A fleet-wide bridge's message follows the registry's claim rules (docs/decisions.md, "Wrong patient"):
        // through the neighbour's own box, which has no other owner, the cuff is the neighbour's.
        Reading viaOwnBox = new Reading(DeviceFamily.AVA4, MeasurementKind.BLOOD_PRESSURE, foreignCuff.device(),
                new org.mfc.fhir.core.model.DeviceIdentity(org.mfc.fhir.core.model.IdType.BOX_MAC, "AABBCC000001",
                        null), null, SampleReadings.DEVICE_TIME, null, foreignCuff.values(), Map.of());
        IngestRecord bridged = h.message(DeviceFamily.AVA4, viaOwnBox);
        h.processor.process(List.of(bridged));
        assertThat(observationPatients(bridged)).isNotEmpty().containsOnly(neighbour.toHexString());
    }

    @Test
    void givenBoxTokenNamingTheCuffOfASecondPatientOfThatBox_whenProcessed_thenStoredForThatPatient() {
        seedRegistry(h);
        ObjectId partner = new ObjectId("65f0000000000000000000ab");
        h.main.getCollection("patients").insertOne(new Document("_id", partner).append("is_deleted", false));
        h.main.getCollection("amy_devices").insertOne(new Document("patient_id", partner)
                .append("mac_gw", "08F9E0D1F7B4").append("mac_bps", "C0:A1:B2:C3:D4:F0"));
        Reading partnerCuff = new Reading(DeviceFamily.AVA4, MeasurementKind.BLOOD_PRESSURE,
                new org.mfc.fhir.core.model.DeviceIdentity(org.mfc.fhir.core.model.IdType.BLE_MAC, "C0A1B2C3D4F0",
                        "WBP BIOLIGHT"), SampleReadings.AVA4_BOX, null, SampleReadings.DEVICE_TIME, null,
                SampleReadings.of(MeasurementKind.BLOOD_PRESSURE).values(), Map.of());

        IngestRecord bound = ProcessorHarness.deviceBound(h.message(DeviceFamily.AVA4, partnerCuff));
        h.processor.process(List.of(bound));

        assertThat(observationPatients(bound)).isNotEmpty().containsOnly(partner.toHexString());
    }

    @Test
    void givenKioskBoundTokenPostingAKioskReading_whenProcessed_thenStoredForTheNamedCitizenNeverTheBoxOwner() {
        seedRegistry(h);
        ObjectId citizen = new ObjectId("65f0000000000000000000ac");
        h.main.getCollection("patients").insertOne(new Document("_id", citizen).append("is_deleted", false)
                .append("id_card", "3100600012348"));
        // The kiosk is registered; the sample AVA4 box's owner must not receive what the kiosk measured.
        h.main.getCollection("mfc_hv01_boxes").insertOne(new Document("imei_of_hv01_box", "e4:5f:01:ed:82:59"));
        IngestRecord bound = ProcessorHarness.deviceBound(h.message(DeviceFamily.QUBE_VITAL,
                SampleReadings.walkIn("3100600012348")));

        h.processor.process(List.of(bound));

        assertThat(observationPatients(bound)).isNotEmpty().containsOnly(citizen.toHexString());
    }

    @Test
    void givenHomeBoxTokenPostingAKioskReading_whenProcessed_thenParkedAndNoCitizenRecordWritten() {
        seedRegistry(h);
        ObjectId citizen = new ObjectId("65f0000000000000000000ae");
        h.main.getCollection("patients").insertOne(new Document("_id", citizen).append("is_deleted", false)
                .append("id_card", "3100600012348"));
        // A kiosk reading naming a citizen, posted with the sample AVA4 box's own token (its MAC as the kiosk's).
        Reading walkIn = SampleReadings.walkIn("3100600012348");
        Reading viaHomeBox = new Reading(walkIn.family(), walkIn.kind(), walkIn.device(), SampleReadings.AVA4_BOX,
                walkIn.patientHint(), walkIn.deviceTime(), null, walkIn.values(), Map.of());
        IngestRecord bound = ProcessorHarness.deviceBound(h.message(DeviceFamily.QUBE_VITAL, viaHomeBox));

        BatchResult result = h.processor.process(List.of(bound));

        assertThat(result.outcomes()).extracting(RecordOutcome::status).containsExactly(RecordOutcome.Status.PARKED);
        assertThat(observationPatients(bound)).isEmpty();
        assertThat(h.parked.summaries(10)).singleElement().satisfies(s -> assertThat(s.reason())
                .contains("mfc_hv01_boxes"));
        // Registered as a kiosk after all: the reprocess stores it for the citizen it names.
        h.main.getCollection("mfc_hv01_boxes").insertOne(new Document("imei_of_hv01_box",
                SampleReadings.AVA4_BOX.id()));
        assertThat(h.reprocessor.reprocess(10, AlertSink.NONE, r -> { }).stored()).isOne();
        assertThat(observationPatients(bound)).isNotEmpty().containsOnly(citizen.toHexString());
    }

    @Test
    void givenRegistryIdCardTypedWithDashes_whenAKioskReadingNamesTheCitizen_thenStoredForThatPatientNoWalkIn() {
        ObjectId citizen = new ObjectId("65f0000000000000000000ad");
        h.main.getCollection("patients").insertOne(new Document("_id", citizen).append("is_deleted", false)
                .append("id_card", "3-1006-00012-34-8"));
        IngestRecord reading = h.message(DeviceFamily.QUBE_VITAL, SampleReadings.walkIn("3100600012348"));

        h.processor.process(List.of(reading));

        assertThat(observationPatients(reading)).isNotEmpty().containsOnly(citizen.toHexString());
        assertThat(h.main.getCollection("patients").countDocuments()).isOne();
        Document fhirPatient = h.fhirDb.getCollection("fhir_patients").find(Filters.eq("_id",
                citizen.toHexString())).first();
        assertThat(fhirPatient.get("resource_data", Document.class).toJson()).contains("\"3100600012348\"")
                .doesNotContain("3-1006");
    }

    private List<IngestRecord> oneMessagePerKind() {
        List<IngestRecord> out = new ArrayList<>();
        for (MeasurementKind kind : MeasurementKind.values()) {
            Reading r = SampleReadings.of(kind);
            out.add(h.message(r.family(), r));
        }
        return out;
    }

    @Test
    void givenLegacyRouting_whenStarted_thenEveryBucketCollectionHasAUniqueKeyIndexAndAgainIsANoOp() {
        new LegacyStore(h.main).ensureIndexes();
        new LegacyStore(h.main).ensureIndexes();

        Map<String, Object> keys = new HashMap<>();
        for (String collection : List.of("blood_pressure_histories", "step_histories", "sleep_data_histories")) {
            for (Document index : h.main.getCollection(collection).listIndexes()) {
                if ("fhir_pipeline_bucket_key".equals(index.getString("name"))) {
                    assertThat(index.getBoolean("unique")).as(collection).isTrue();
                    keys.put(collection, index.get("key", Document.class).keySet());
                }
            }
        }
        // date_tag is absent from per-patient buckets: the unique key is then the patient alone.
        assertThat(keys).containsEntry("blood_pressure_histories", java.util.Set.of("patient_id", "date_tag"))
                .containsEntry("step_histories", java.util.Set.of("patient_id", "date_tag"))
                .containsEntry("sleep_data_histories", java.util.Set.of("patient_id", "date_tag"));
    }

    @Test
    void givenSameBatchTwice_whenProcessed_thenDatabaseIsIdentical() {
        seedRegistry(h);
        List<IngestRecord> batch = oneMessagePerKind();
        BatchResult first = h.processor.process(batch);
        assertThat(first.count(RecordOutcome.Status.STORED)).isEqualTo(batch.size());
        Map<String, List<String>> afterFirst = h.dump();

        BatchResult second = h.processor.process(batch);

        assertThat(second.count(RecordOutcome.Status.STORED)).isEqualTo(batch.size());
        assertThat(second.newDocuments()).isZero();
        assertThat(h.dump()).isEqualTo(afterFirst);
        assertThat(h.fhirDb.getCollection("fhir_provenance").countDocuments()).isEqualTo(batch.size());
    }

    @Test
    void givenMessage_whenStored_thenOneProvenanceNamesDeviceClientObservationsAndIngestId() {
        seedRegistry(h);
        IngestRecord msg = h.message(DeviceFamily.AVA4, SampleReadings.of(MeasurementKind.BLOOD_PRESSURE));
        h.processor.process(List.of(msg));

        Document prov = h.fhirDb.getCollection("fhir_provenance")
                .find(Filters.eq("_id", ProvenanceMapper.provenanceId(msg.messageId()))).first();
        assertThat(prov).isNotNull();
        String json = prov.get("resource_data", Document.class).toJson();
        assertThat(json).contains("Device/ble-D616F9641622", "test-client", msg.ingestId(), "Patient/" + PATIENT);
        assertThat(prov.get("resource_data", Document.class).getList("target", Document.class)).hasSize(2);
        assertThat(prov.getString("source_message_id")).isEqualTo(msg.ingestId());
    }

    @Test
    void givenRisingStepCountsThenReplayAndLowerCount_whenProcessed_thenOneObservationAndEntryWithHighestCount() {
        seedRegistry(h);
        Instant day = SampleReadings.THAI_DAY_START;
        for (long count : new long[] {1200, 3400, 3400, 2100}) {
            h.processor.process(List.of(h.message(DeviceFamily.KATI, SampleReadings.steps(day, count))));
        }
        // two counts of the same day in one batch: the higher wins whatever the order
        h.processor.process(List.of(h.message(DeviceFamily.KATI, SampleReadings.steps(day, 5600)),
                h.message(DeviceFamily.KATI, SampleReadings.steps(day, 4000))));

        List<Document> obs = h.fhirDb.getCollection("fhir_observations").find(Filters.eq("code", "41950-7"))
                .into(new ArrayList<>());
        assertThat(obs).hasSize(1);
        Document value = obs.get(0).get("resource_data", Document.class).get("valueQuantity", Document.class);
        assertThat(((Number) value.get("value")).intValue()).isEqualTo(5600);
        assertThat(obs.get(0).get("resource_data", Document.class).get("effectivePeriod", Document.class)
                .getString("start")).isEqualTo("2025-04-06T17:00:00Z");

        List<Document> buckets = h.main.getCollection("step_histories").find().into(new ArrayList<>());
        assertThat(buckets).hasSize(1);
        assertThat(buckets.get(0).getString("date_tag")).isEqualTo("04-2025");
        List<Document> entries = buckets.get(0).getList("data", Document.class);
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).getInteger("step")).isEqualTo(5600);
        assertThat(entries.get(0).getString("date_tag")).isEqualTo("07042025");
        assertThat(entries.get(0).getInteger("step_source")).isEqualTo(2);
        Document last = h.main.getCollection("patients").find(Filters.eq("_id", PATIENT)).first()
                .get("last_step", Document.class);
        assertThat(last.getInteger("step")).isEqualTo(5600);

        h.processor.process(List.of(h.message(DeviceFamily.KATI, SampleReadings.steps(day.plusSeconds(86_400),
                10))));
        assertThat(h.main.getCollection("step_histories").find().first().getList("data", Document.class))
                .extracting(d -> d.getInteger("step")).containsExactly(5600, 10);
    }

    @Test
    void givenUnknownCitizenAtKiosk_whenProcessedTwice_thenOneUnregisteredPatientAndReadingStored() {
        h.main.getCollection("mfc_hv01_boxes").insertOne(new Document("imei_of_hv01_box", "e4:5f:01:ed:82:59")
                .append("hospital_id", new ObjectId("65f0000000000000000000aa")));
        h.main.getCollection("hospitals").insertOne(new Document("_id", new ObjectId("65f0000000000000000000aa"))
                .append("code", "H00170").append("name", List.of(new Document("code", "en").append("name",
                        "Kiosk Hospital"))));
        Reading walkIn = SampleReadings.walkIn("3100000000004");
        IngestRecord msg = h.message(DeviceFamily.QUBE_VITAL, walkIn);

        BatchResult result = h.processor.process(List.of(msg));
        h.processor.process(List.of(msg, h.message(DeviceFamily.QUBE_VITAL, walkIn)));

        assertThat(result.outcomes().get(0).status()).isEqualTo(RecordOutcome.Status.STORED);
        ObjectId id = DeterministicIds.walkInPatientId("3100000000004");
        List<Document> patients = h.main.getCollection("patients").find().into(new ArrayList<>());
        assertThat(patients).hasSize(1);
        Document p = patients.get(0);
        assertThat(p.getObjectId("_id")).isEqualTo(id);
        assertThat(p.getString("registration_status")).isEqualTo("unregistered");
        assertThat(p.getString("first_name")).isEqualTo("Walk");
        assertThat(p.getString("gender")).isEqualTo("male");
        // Thai midnight: the legacy application reads dates in its own zone.
        assertThat(p.getDate("birth_date")).isEqualTo(Date.from(Instant.parse("1979-07-12T17:00:00Z")));
        assertThat(p.getList("new_hospital_ids", ObjectId.class)).containsExactly(
                new ObjectId("65f0000000000000000000aa"));
        Document fhirPatient = h.fhirDb.getCollection("fhir_patients").find(Filters.eq("_id", id.toHexString()))
                .first();
        assertThat(fhirPatient.get("resource_data", Document.class).toJson()).contains("unregistered");
        // The kiosk's hospital manages the walk-in (known from mfc_hv01_boxes).
        assertThat(fhirPatient.get("resource_data", Document.class).get("managingOrganization", Document.class)
                .getString("reference")).isEqualTo("Organization/65f0000000000000000000aa");
        // ... and that Organization is written with it, so the reference resolves without a migration.
        List<Document> organizations = h.fhirDb.getCollection("fhir_organizations").find().into(new ArrayList<>());
        assertThat(organizations).singleElement().satisfies(o -> {
            assertThat(o.getString("_id")).isEqualTo("65f0000000000000000000aa");
            assertThat(o.get("resource_data", Document.class).getString("name")).isEqualTo("Kiosk Hospital");
        });
        assertThat(h.fhirDb.getCollection("fhir_observations").countDocuments(Filters.eq("patient_id",
                id.toHexString()))).isEqualTo(2);
    }

    @Test
    void givenUnknownDevice_whenProcessed_thenParkedAndStoredAfterRegistrationAndReprocess() {
        seedRegistry(h);
        Reading spo2 = SampleReadings.of(MeasurementKind.SPO2);
        Reading unknown = new Reading(DeviceFamily.KATI, MeasurementKind.HEART_RATE,
                new org.mfc.fhir.core.model.DeviceIdentity(org.mfc.fhir.core.model.IdType.IMEI, "862487060000999",
                        "Kati Watch"), null, null, SampleReadings.DEVICE_TIME, null,
                SampleReadings.values("value", "70"), Map.of());
        BatchResult result = h.processor.process(List.of(h.message(DeviceFamily.KATI, unknown),
                h.message(DeviceFamily.AVA4, spo2)));

        assertThat(result.outcomes()).extracting(RecordOutcome::status).containsExactly(
                RecordOutcome.Status.PARKED, RecordOutcome.Status.STORED);
        assertThat(h.parked.summaries(10)).singleElement().satisfies(s -> {
            assertThat(s.deviceKey()).isEqualTo("imei-862487060000999");
            assertThat(s.reason()).contains("imei-862487060000999");
        });
        assertThat(h.reprocessor.reprocess(100, AlertSink.NONE, r -> { }).stillParked()).isEqualTo(1);

        h.main.getCollection("watches").insertOne(new Document("imei", "862487060000999").append("patient_id",
                PATIENT));
        ParkedReprocessor.Report report = h.reprocessor.reprocess(100, AlertSink.NONE, r -> { });

        assertThat(report).isEqualTo(new ParkedReprocessor.Report(1, 1, 0, 0, 0, 0));
        assertThat(h.parked.count()).isZero();
        assertThat(h.fhirDb.getCollection("fhir_observations").countDocuments(Filters.eq("device_id",
                "imei-862487060000999"))).isEqualTo(1);
    }

    private static Reading watchHeartRate(String imei, String value) {
        return new Reading(DeviceFamily.KATI, MeasurementKind.HEART_RATE,
                new org.mfc.fhir.core.model.DeviceIdentity(org.mfc.fhir.core.model.IdType.IMEI, imei, "Kati Watch"),
                null, null, SampleReadings.DEVICE_TIME, null, SampleReadings.values("value", value), Map.of());
    }

    @Test
    void givenAFullPageOfReadingsNobodyRegisters_whenReprocessedRepeatedly_thenALaterParkedReadingIsReachedToo() {
        seedRegistry(h);
        // As many readings of a watch nobody registers as a call examines, parked (and last tried) an hour before
        // the reading of a watch registered afterwards.
        for (int i = 0; i < 3; i++) {
            h.processor.process(List.of(h.message(DeviceFamily.KATI, watchHeartRate("862487060000111", "7" + i))));
        }
        h.processor.process(List.of(h.message(DeviceFamily.KATI, watchHeartRate("862487060000222", "80"))));
        java.util.Date anHourAgo = java.util.Date.from(java.time.Instant.now().minusSeconds(3600));
        h.fhirDb.getCollection(ParkedReadingStore.COLLECTION).updateMany(Filters.eq("device_key",
                "imei-862487060000111"), new Document("$set", new Document("parked_at", anHourAgo)
                        .append("last_tried_at", anHourAgo)));
        h.main.getCollection("watches").insertOne(new Document("imei", "862487060000222").append("patient_id",
                PATIENT));

        int stored = 0;
        for (int call = 0; call < 2; call++) {
            stored += h.reprocessor.reprocess(3, AlertSink.NONE, r -> { }).stored();
        }

        assertThat(stored).isEqualTo(1);
        assertThat(h.fhirDb.getCollection("fhir_observations").countDocuments(Filters.eq("device_id",
                "imei-862487060000222"))).isEqualTo(1);
        assertThat(h.parked.count()).isEqualTo(3);
        assertThat(h.parked.summaries(10)).extracting(ParkedReadingStore.Summary::deviceKey)
                .containsOnly("imei-862487060000111");
    }

    @Test
    void givenImpossibleValueAmongGoodReadings_whenProcessed_thenRejectedWithReasonAndOthersStored() {
        seedRegistry(h);
        Reading impossible = SampleReadings.withValues(SampleReadings.of(MeasurementKind.SPO2),
                SampleReadings.values("value", "104", "pulse", "80"));
        BatchResult result = h.processor.process(List.of(
                h.message(DeviceFamily.AVA4, SampleReadings.of(MeasurementKind.BLOOD_PRESSURE)),
                h.message(DeviceFamily.AVA4, impossible),
                h.message(DeviceFamily.KATI, SampleReadings.of(MeasurementKind.HEART_RATE))));

        assertThat(result.outcomes()).extracting(RecordOutcome::status).containsExactly(
                RecordOutcome.Status.STORED, RecordOutcome.Status.REJECTED, RecordOutcome.Status.STORED);
        RecordOutcome rejected = result.outcomes().get(1);
        assertThat(rejected.stage()).isEqualTo(org.mfc.fhir.core.model.Stage.MAP);
        assertThat(rejected.reason()).contains("SPO2 value", "possible range 35..100").doesNotContain("104");
        assertThat(h.fhirDb.getCollection("fhir_observations").countDocuments(Filters.eq("code", "2708-6")))
                .isZero();
        assertThat(h.fhirDb.getCollection("fhir_observations").countDocuments()).isEqualTo(3);
    }

    @Test
    void givenImplausibleButPossibleValue_whenProcessed_thenStoredAsMeasuredWithADataQualityTagNotAFinding() {
        seedRegistry(h);
        Reading low = SampleReadings.withValues(SampleReadings.of(MeasurementKind.SPO2),
                SampleReadings.values("value", "55"));
        h.processor.process(List.of(h.message(DeviceFamily.AVA4, low)));

        Document obs = h.fhirDb.getCollection("fhir_observations").find(Filters.eq("code", "2708-6")).first();
        Document resource = obs.get("resource_data", Document.class);
        assertThat(resource.toJson()).contains("\"value\": 55").doesNotContain("\"LU\"", "\"HU\"");
        assertThat(resource.get("meta", Document.class).getList("tag", Document.class))
                .extracting(t -> t.getString("code")).contains("implausible-low");
        // Below the normal range: the plain clinical interpretation, beside the reference range.
        assertThat(resource.getList("interpretation", Document.class)).singleElement()
                .satisfies(i -> assertThat(i.toJson()).contains("\"code\": \"L\""));
        assertThat(resource.getList("referenceRange", Document.class)).hasSize(1);
    }

    @Test
    void givenGlucoseSleepAndTemperature_whenStored_thenLegacyEntriesUseLegacyFieldsAndBuckets() {
        seedRegistry(h);
        h.processor.process(List.of(h.message(DeviceFamily.QUBE_VITAL, SampleReadings.of(
                MeasurementKind.BLOOD_GLUCOSE)), h.message(DeviceFamily.KATI, SampleReadings.of(
                MeasurementKind.SLEEP)), h.message(DeviceFamily.AVA4, SampleReadings.of(
                MeasurementKind.BODY_TEMPERATURE))));

        Document sugar = h.main.getCollection("blood_sugar_histories").find().first().getList("data",
                Document.class).get(0);
        assertThat(sugar.getInteger("dtx_type")).isEqualTo(1);
        assertThat(sugar.getInteger("post_meal_dtx")).isEqualTo(108);
        assertThat(sugar).containsKeys("pre_meal_dtx", "fasting_dtx", "no_marker_dtx");
        assertThat(sugar.get("pre_meal_dtx")).isNull();
        assertThat(sugar.getString("blood_sugar_marker")).isEqualTo("After Meal");
        assertThat(sugar.getInteger("blood_sugar_source")).isEqualTo(1);

        Document sleepBucket = h.main.getCollection("sleep_data_histories").find().first();
        assertThat(sleepBucket.getString("date_tag")).isEqualTo("04-2025");
        Document sleep = sleepBucket.getList("data", Document.class).get(0);
        assertThat(sleep.getString("sleep_data")).isEqualTo("0001112221110000");
        assertThat(sleep.getString("sleep_time")).isEqualTo("2200@0700");
        assertThat(sleep.getInteger("sleep_num")).isEqualTo(108);
        assertThat(sleep.getString("date_tag")).isEqualTo("06042025");
        assertThat(sleep.getDate("sleep_data_import_date")).isEqualTo(Date.from(Instant.parse(
                "2025-04-06T15:00:00Z")));

        Document temp = h.main.getCollection("temprature_data_histories").find().first().getList("data",
                Document.class).get(0);
        assertThat(temp.getString("temprature_mode")).isEqualTo("Head");
        assertThat(temp.getDouble("temprature_data")).isEqualTo(36.43000031);
        assertThat(temp.getString(LegacyStore.ENTRY_ID_FIELD)).isNotBlank();
    }

    @Test
    void givenLateOlderReading_whenStored_thenLastValueStaysNewest() {
        seedRegistry(h);
        Reading newer = SampleReadings.of(MeasurementKind.BLOOD_PRESSURE);
        Reading older = new Reading(newer.family(), newer.kind(), newer.device(), newer.gateway(), null,
                newer.deviceTime().minusSeconds(3600), null, SampleReadings.values("systolic", "111", "diastolic",
                        "71"), Map.of());
        h.processor.process(List.of(h.message(DeviceFamily.AVA4, newer)));
        h.processor.process(List.of(h.message(DeviceFamily.AVA4, older)));

        Document last = h.main.getCollection("patients").find().first().get("last_blood_pressure", Document.class);
        assertThat(last.getInteger("sys_data")).isEqualTo(137);
        assertThat(h.main.getCollection("blood_pressure_histories").find().first().getList("data", Document.class))
                .hasSize(2);
    }

    @Test
    void givenAlarmOfAnUnknownWatch_whenReprocessedUntilRegistered_thenPublishedOnArrivalAndOnceWithItsPatient() {
        seedRegistry(h);
        org.mfc.fhir.core.model.DeviceIdentity stranger = new org.mfc.fhir.core.model.DeviceIdentity(
                org.mfc.fhir.core.model.IdType.IMEI, "862487060000998", "Kati Watch");
        AlertEvent sos = new AlertEvent(stranger, "sos", "SOS", "CRITICAL", SampleReadings.DEVICE_TIME, null);
        List<AlertNotice> published = new ArrayList<>();
        AlertSink sink = published::addAll;

        h.processor.process(List.of(h.alert(sos)), sink);
        assertThat(published).singleElement().satisfies(n -> assertThat(n.patientId()).isNull());
        Instant parkedAt = h.parked.summaries(10).get(0).parkedAt();

        h.reprocessor.reprocess(100, sink, r -> { });
        h.reprocessor.reprocess(100, sink, r -> { });
        assertThat(published).as("no responder paged again while the watch is unknown").hasSize(1);
        assertThat(h.parked.summaries(10)).singleElement().satisfies(s -> assertThat(s.parkedAt())
                .as("how long it has waited").isEqualTo(parkedAt));

        h.main.getCollection("watches").insertOne(new Document("imei", stranger.id()).append("patient_id",
                PATIENT));
        ParkedReprocessor.Report report = h.reprocessor.reprocess(100, sink, r -> { });
        assertThat(report.alerted()).isEqualTo(1);
        assertThat(published).hasSize(2);
        assertThat(published.get(1).patientId()).isEqualTo(PATIENT.toHexString());
        assertThat(h.parked.count()).isZero();
    }

    @Test
    void givenSosAmongReadings_whenProcessed_thenAlertPublishedBeforeAnyReadingIsWrittenAndAlarmStoredOnce() {
        seedRegistry(h);
        AlertEvent sos = new AlertEvent(SampleReadings.WATCH, "sos", "SOS", "CRITICAL", SampleReadings.DEVICE_TIME,
                org.mfc.fhir.core.json.Json.mapper().createObjectNode().put("latitude", 13.7).put("longitude",
                        100.5));
        List<Long> observationsAtPublish = new ArrayList<>();
        List<AlertNotice> published = new ArrayList<>();
        AlertSink sink = alerts -> {
            observationsAtPublish.add(h.fhirDb.getCollection("fhir_observations").countDocuments());
            published.addAll(alerts);
        };
        List<IngestRecord> batch = List.of(h.message(DeviceFamily.KATI, SampleReadings.of(
                MeasurementKind.HEART_RATE)), h.alert(sos));

        BatchResult result = h.processor.process(batch, sink);
        h.processor.process(batch, sink);

        assertThat(result.outcomes()).extracting(RecordOutcome::status).containsExactly(
                RecordOutcome.Status.STORED, RecordOutcome.Status.ALERTED);
        assertThat(observationsAtPublish).containsExactly(0L, 1L);
        assertThat(published).extracting(AlertNotice::alertId).containsOnly(published.get(0).alertId());
        assertThat(published.get(0).patientId()).isEqualTo(SampleReadings.PATIENT);
        List<Document> alarms = h.main.getCollection("emergency_alarm").find().into(new ArrayList<>());
        assertThat(alarms).hasSize(1);
        Document alarm = alarms.get(0);
        assertThat(alarm.getObjectId("patient_id")).isEqualTo(PATIENT);
        assertThat(alarm.getString("alert_type")).isEqualTo("sos");
        assertThat(alarm.getString("status")).isEqualTo("ACTIVE");
        assertThat(alarm.getBoolean("processed")).isFalse();
        Document data = alarm.get("alert_data", Document.class);
        assertThat(data.getString("imei")).isEqualTo(SampleReadings.WATCH.id());
        assertThat(data.getString("priority")).isEqualTo("CRITICAL");
        assertThat(data.getString("status")).isEqualTo("SOS");
        assertThat(data.get("location", Document.class).getDouble("latitude")).isEqualTo(13.7);
        assertThat(data.getDate("timestamp")).isEqualTo(Date.from(SampleReadings.DEVICE_TIME));
    }

    @Test
    void givenAlertTopicDown_whenProcessed_thenNothingIsWrittenAndTheBatchFails() {
        seedRegistry(h);
        AlertEvent fall = new AlertEvent(SampleReadings.WATCH, "fall_down", "FALL DOWN", "HIGH",
                SampleReadings.DEVICE_TIME, null);
        AlertSink down = alerts -> {
            throw new org.mfc.fhir.core.store.TransientStoreException("alert topic: not acknowledged", null);
        };
        List<IngestRecord> batch = List.of(h.message(DeviceFamily.KATI, SampleReadings.of(
                MeasurementKind.HEART_RATE)), h.alert(fall));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> h.processor.process(batch, down))
                .isInstanceOf(org.mfc.fhir.core.store.TransientStoreException.class);
        assertThat(h.fhirDb.getCollection("fhir_observations").countDocuments()).isZero();
        assertThat(h.main.getCollection("emergency_alarm").countDocuments()).isZero();
        assertThat(Arrays.asList(h.processor.process(batch).outcomes().get(1).status()))
                .containsExactly(RecordOutcome.Status.ALERTED);
    }
}
