package org.mfc.fhir.core.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.fhir.FhirEnvelope;
import org.mfc.fhir.core.fhir.MappedResource;
import org.mfc.fhir.core.legacy.LegacyNames;
import org.mfc.fhir.core.legacy.PatientMapper;
import org.mfc.fhir.core.fhir.SampleReadings;
import org.mfc.fhir.core.ids.DeterministicIds;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.DeviceIdentity;
import org.mfc.fhir.core.model.IdType;
import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.model.PatientHint;
import org.mfc.fhir.core.model.Reading;
import org.mfc.fhir.core.store.FhirStore;

import com.mongodb.client.model.Filters;

/** What a clinician would otherwise reject, checked where it lands: the FHIR database and the legacy buckets. */
class ClinicalProcessingTest {

    private static final ObjectId PATIENT = ReadingProcessorTest.PATIENT;
    private static final ObjectId OTHER = new ObjectId("65f0000000000000000000b2");
    private static final ObjectId THIRD = new ObjectId("65f0000000000000000000b3");

    private final ProcessorHarness h = new ProcessorHarness(true);

    @AfterEach
    void close() {
        h.close();
    }

    private List<Document> observations(String code) {
        return h.fhirDb.getCollection("fhir_observations").find(Filters.eq("code", code)).into(new ArrayList<>());
    }

    private Document onlyEntry(String collection) {
        List<Document> buckets = h.main.getCollection(collection).find().into(new ArrayList<>());
        assertThat(buckets).hasSize(1);
        return buckets.get(0).getList("data", Document.class).get(0);
    }

    private void patient(ObjectId id) {
        h.main.getCollection("patients").insertOne(new Document("_id", id).append("is_active", true)
                .append("is_deleted", false));
    }

    @Test
    void givenAp55ItemAndVitalSignInOneSecondWithDifferentValues_whenProcessed_thenBothStored() {
        ReadingProcessorTest.seedRegistry(h);
        Reading ap55 = SampleReadings.of(MeasurementKind.HEART_RATE);
        Reading vitalSign = SampleReadings.withValues(ap55, SampleReadings.values("value", "75"));

        h.processor.process(List.of(h.message(DeviceFamily.KATI, ap55), h.message(DeviceFamily.KATI, vitalSign)));
        h.processor.process(List.of(h.message(DeviceFamily.KATI, ap55)));

        assertThat(observations("8867-4")).extracting(d -> d.get("resource_data", Document.class)
                .get("valueQuantity", Document.class).get("value")).containsExactlyInAnyOrder(72, 75);
        assertThat(h.main.getCollection("heart_rate_histories").find().first().getList("data", Document.class))
                .extracting(d -> d.get("heart_rate_data")).containsExactlyInAnyOrder(72, 75);
    }

    @Test
    void givenMeterUricAcidAndCholesterol_whenStored_thenFhirKeepsTheMetersUnitsAndLegacyGetsMgPerDl() {
        ReadingProcessorTest.seedRegistry(h);
        h.processor.process(List.of(h.message(DeviceFamily.AVA4, SampleReadings.of(MeasurementKind.URIC_ACID)),
                h.message(DeviceFamily.AVA4, SampleReadings.of(MeasurementKind.CHOLESTEROL))));

        Document uric = observations("14933-6").get(0).get("resource_data", Document.class)
                .get("valueQuantity", Document.class);
        assertThat(uric.get("value")).isEqualTo(517.5);
        assertThat(uric.getString("code")).isEqualTo("umol/L");
        // 517.5 umol/L / 59.48 = 8.7 mg/dL; 4.3 mmol/L * 38.67 = 166 mg/dL: the units of the legacy fields.
        assertThat(onlyEntry("creatinine_histories").get("uric")).isEqualTo(8.7);
        assertThat(onlyEntry("lipid_histories").get("lipids")).isEqualTo(166);
        Document patient = h.main.getCollection("patients").find(Filters.eq("_id", PATIENT)).first();
        assertThat(patient.get("last_uric", Document.class).get("uric")).isEqualTo(8.7);
        assertThat(patient.get("last_lipids", Document.class).get("lipids")).isEqualTo(166);
    }

    @Test
    void givenGenericWeightWithHeightAndBmi_whenStored_thenOneBodyDataEntry() {
        ReadingProcessorTest.seedRegistry(h);
        DeviceIdentity box = SampleReadings.AVA4_BOX;
        Reading weight = new Reading(DeviceFamily.AVA4, MeasurementKind.BODY_WEIGHT, box, null, null,
                SampleReadings.DEVICE_TIME, null, SampleReadings.values("value", "65.4"), Map.of());
        Reading height = new Reading(DeviceFamily.AVA4, MeasurementKind.BODY_HEIGHT, box, null, null,
                SampleReadings.DEVICE_TIME, null, SampleReadings.values("value", "170"), Map.of());
        Reading bmi = new Reading(DeviceFamily.AVA4, MeasurementKind.BMI, box, null, null,
                SampleReadings.DEVICE_TIME, null, SampleReadings.values("value", "22.6"), Map.of());
        var message = h.message(DeviceFamily.GENERIC, weight, height, bmi);

        h.processor.process(List.of(message));
        h.processor.process(List.of(message));

        List<Document> entries = h.main.getCollection("body_data_histories").find().first().getList("data",
                Document.class);
        assertThat(entries).singleElement().satisfies(e -> {
            assertThat(e.get("weight")).isEqualTo(65.4);
            assertThat(e.get("height")).isEqualTo(170);
            assertThat(e.get("bmi")).isEqualTo(22.6);
        });
        assertThat(h.fhirDb.getCollection("fhir_observations").countDocuments()).isEqualTo(3);
    }

    @Test
    void givenThermometerInObjectMode_whenStored_thenNotABodyTemperatureAndNotInTheLegacyHistory() {
        ReadingProcessorTest.seedRegistry(h);
        h.processor.process(List.of(h.message(DeviceFamily.AVA4, SampleReadings.of(
                MeasurementKind.OBJECT_TEMPERATURE))));

        assertThat(observations("8310-5")).isEmpty();
        assertThat(observations("object-temperature")).hasSize(1);
        assertThat(h.main.getCollection("temprature_data_histories").countDocuments()).isZero();
        assertThat(h.main.getCollection("patients").find().first()).doesNotContainKey("last_body_temperature");
    }

    @Test
    void givenGlucoseAboveTheMetersRange_whenStored_thenTheLegacyFieldShowsTheBoundNotANumber() {
        ReadingProcessorTest.seedRegistry(h);
        Reading sample = SampleReadings.of(MeasurementKind.BLOOD_GLUCOSE);
        Reading hi = new Reading(sample.family(), sample.kind(), sample.device(), sample.gateway(),
                sample.patientHint(), sample.deviceTime(), null, SampleReadings.values("value", "600"),
                Map.of("marker", "After Meal", "comparator", ">"));

        h.processor.process(List.of(h.message(DeviceFamily.QUBE_VITAL, hi)));

        assertThat(onlyEntry("blood_sugar_histories").get("post_meal_dtx")).isEqualTo(">600");
        assertThat(observations("41653-7").get(0).get("resource_data", Document.class)
                .get("valueQuantity", Document.class).getString("comparator")).isEqualTo(">");
    }

    @Test
    void givenCuffClaimedByTwoPatientsOnAnOwnedBox_whenProcessed_thenTheBoxOwnerSaidToComeFromTheGateway() {
        ReadingProcessorTest.seedRegistry(h);
        patient(OTHER);
        Reading bp = SampleReadings.of(MeasurementKind.BLOOD_PRESSURE);
        h.main.getCollection("amy_devices").insertMany(List.of(
                new Document("patient_id", OTHER).append("mac_bps", "D6:16:F9:64:16:22"),
                new Document("patient_id", PATIENT).append("mac_dusun_bps", "d616f9641622")));

        BatchResult result = h.processor.process(List.of(h.message(DeviceFamily.AVA4, bp)));

        assertThat(result.outcomes().get(0).status()).isEqualTo(RecordOutcome.Status.STORED);
        Document obs = observations("85354-9").get(0);
        assertThat(obs.getString("patient_id")).isEqualTo(PATIENT.toHexString());
        assertThat(obs.get("resource_data", Document.class).get("meta", Document.class).getList("tag",
                Document.class)).extracting(t -> t.getString("code")).contains("patient-from-gateway");
    }

    @Test
    void givenCuffOfAnotherPatientOnAnOwnedBox_whenProcessed_thenTheBoxOwnerNotTheFirstMatch() {
        ReadingProcessorTest.seedRegistry(h);
        patient(OTHER);
        h.main.getCollection("amy_devices").insertOne(new Document("patient_id", OTHER).append("mac_bps",
                "D6:16:F9:64:16:22"));

        h.processor.process(List.of(h.message(DeviceFamily.AVA4, SampleReadings.of(MeasurementKind.BLOOD_PRESSURE))));

        assertThat(observations("85354-9").get(0).getString("patient_id")).isEqualTo(PATIENT.toHexString());
    }

    @Test
    void givenCuffClaimedByTwoPatientsAndNoOwnedBox_whenProcessed_thenParkedAsAmbiguousWithTheCandidates() {
        patient(OTHER);
        patient(THIRD);
        h.main.getCollection("amy_devices").insertMany(List.of(
                new Document("patient_id", OTHER).append("mac_bps", "D6:16:F9:64:16:22"),
                new Document("patient_id", THIRD).append("mac_bps", " d616f9641622")));

        BatchResult result = h.processor.process(List.of(h.message(DeviceFamily.AVA4,
                SampleReadings.of(MeasurementKind.BLOOD_PRESSURE))));

        assertThat(result.outcomes().get(0).status()).isEqualTo(RecordOutcome.Status.PARKED);
        assertThat(result.outcomes().get(0).reason()).contains("ambiguous", OTHER.toHexString(),
                THIRD.toHexString());
        assertThat(h.fhirDb.getCollection("fhir_observations").countDocuments()).isZero();
        assertThat(h.parked.count()).isOne();
    }

    @Test
    void givenWalkInWhoseNameALaterKioskReadingBrings_whenProcessed_thenTheRegistryAndPatientAreCompleted() {
        Reading nameless = withHint(SampleReadings.walkIn("3100000000004"), new PatientHint("3100000000004", null,
                null, null, "1979", "1"));
        h.processor.process(List.of(h.message(DeviceFamily.QUBE_VITAL, nameless)));
        ObjectId id = DeterministicIds.walkInPatientId("3100000000004");
        assertThat(h.main.getCollection("patients").find().first()).doesNotContainKey("first_name")
                .containsEntry(LegacyNames.BIRTH_DATE_PARTIAL, "1979");

        Reading named = SampleReadings.walkIn("3100000000004");
        h.processor.process(List.of(h.message(DeviceFamily.QUBE_VITAL, SampleReadings.withValues(named,
                SampleReadings.values("systolic", "121", "diastolic", "79")))));

        Document legacy = h.main.getCollection("patients").find(Filters.eq("_id", id)).first();
        assertThat(legacy.getString("first_name")).isEqualTo("Walk");
        Document fhirPatient = h.fhirDb.getCollection("fhir_patients").find(Filters.eq("_id", id.toHexString()))
                .first().get("resource_data", Document.class);
        assertThat(fhirPatient.toJson()).contains("\"Walk\"");
        assertThat(fhirPatient.getString("birthDate")).isEqualTo("1979-07-13");
    }

    @Test
    void givenRegistryPatientThatChanged_whenItsResourceIsWrittenAgain_thenReplacedAndUnchangedOnesAreNot() {
        FhirStore store = new FhirStore(h.fhirDb);
        Document legacy = new Document("_id", PATIENT).append("first_name", "Before");
        Instant t1 = Instant.parse("2025-04-06T00:00:00Z");
        store.insertIfAbsent(FhirStore.byCollection(List.of(FhirEnvelope.wrap(new PatientMapper().map(legacy), t1,
                "test", null))));
        MappedResource same = new PatientMapper().map(legacy);
        store.insertIfAbsent(FhirStore.byCollection(List.of(FhirEnvelope.wrap(same, t1.plusSeconds(60), "test",
                null))));
        assertThat(h.fhirDb.getCollection("fhir_patients").find().first().getDate("updated_at"))
                .isEqualTo(java.util.Date.from(t1));

        store.insertIfAbsent(FhirStore.byCollection(List.of(FhirEnvelope.wrap(new PatientMapper().map(
                new Document(legacy).append("first_name", "After")), t1.plusSeconds(120), "test", null))));

        assertThat(h.fhirDb.getCollection("fhir_patients").find().first().get("resource_data", Document.class)
                .toJson()).contains("After").doesNotContain("Before");
    }

    @Test
    void givenDeviceFirstSeenWithoutItsModel_whenTheModelIsLearned_thenReplacedAndNeverDowngradedAgain() {
        FhirStore store = new FhirStore(h.fhirDb);
        Reading named = SampleReadings.of(MeasurementKind.BLOOD_PRESSURE);
        Reading anonymous = new Reading(named.family(), named.kind(), new DeviceIdentity(IdType.BLE_MAC,
                named.device().id(), null), named.gateway(), null, named.deviceTime(), null, named.values(),
                Map.of());
        Instant t = SampleReadings.RECEIVED;
        java.util.function.Consumer<Reading> write = r -> store.insertIfAbsent(FhirStore.byCollection(
                new org.mfc.fhir.core.fhir.DeviceMapper().map(r).stream().map(m -> FhirEnvelope.wrap(m, t, "test",
                        null)).toList()));
        java.util.function.Supplier<Document> cuff = () -> h.fhirDb.getCollection("fhir_devices")
                .find(Filters.eq("_id", "ble-D616F9641622")).first().get("resource_data", Document.class);

        write.accept(anonymous);
        assertThat(cuff.get()).doesNotContainKey("manufacturer");
        write.accept(named);
        assertThat(cuff.get().getString("manufacturer")).isEqualTo("Biolight");
        write.accept(anonymous);
        assertThat(cuff.get().getString("manufacturer")).isEqualTo("Biolight");
    }

    @Test
    void givenPreliminaryStepsOfADayThatEnded_whenFinalized_thenFinalInResourceAndEnvelope() {
        ReadingProcessorTest.seedRegistry(h);
        h.processor.process(List.of(h.message(DeviceFamily.KATI, SampleReadings.steps(
                SampleReadings.THAI_DAY_START, 1200))));
        FhirStore store = new FhirStore(h.fhirDb);
        assertThat(observations("41950-7").get(0).getString("status")).isEqualTo("preliminary");

        assertThat(store.finalizeEndedPeriods(SampleReadings.THAI_DAY_START.plusSeconds(3600))).isZero();
        assertThat(store.finalizeEndedPeriods(SampleReadings.THAI_DAY_START.plusSeconds(86_400))).isOne();

        Document obs = observations("41950-7").get(0);
        assertThat(obs.getString("status")).isEqualTo("final");
        assertThat(obs.get("resource_data", Document.class).getString("status")).isEqualTo("final");
    }

    private static Reading withHint(Reading r, PatientHint hint) {
        return new Reading(r.family(), r.kind(), new DeviceIdentity(IdType.BLE_MAC, r.device().id(),
                r.device().model()), r.gateway(), hint, r.deviceTime(), r.periodEnd(), r.values(), r.details());
    }
}
