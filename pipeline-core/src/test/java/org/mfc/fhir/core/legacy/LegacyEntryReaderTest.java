package org.mfc.fhir.core.legacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.model.Reading;

class LegacyEntryReaderTest {

    private static final ObjectId PATIENT = new ObjectId("66c000000000000000000001");
    private static final Instant T = Instant.parse("2025-01-02T03:04:05Z");
    private final LegacyEntryReader reader = new LegacyEntryReader(Instant.parse("2026-01-01T00:00:00Z"));

    private static LegacyEntryReader.Bucket bucket(String collection, Document amyDevices) {
        return new LegacyEntryReader.Bucket(collection, "b1", PATIENT, true,
                PatientDevices.of(amyDevices, new Document("_id", PATIENT), List.of()));
    }

    @Test
    void givenNumbersAsTextIntAndDouble_whenRead_thenOneBloodPressureReadingWithExactValues() {
        EntryResult r = reader.read(bucket("blood_pressure_histories", new Document("mac_bps", " d6:16:f9:64:16:22")),
                0, new Document("sys_data", " 137 ").append("dia_data", 95).append("pr_data", 74.0)
                        .append("blood_pressure_import_date", Date.from(T)).append("blood_pressure_source", 1));

        assertThat(r.rejects()).isEmpty();
        Reading reading = r.readings().get(0).reading();
        assertThat(reading.device().key()).isEqualTo("ble-D616F9641622");
        assertThat(reading.family()).isEqualTo(DeviceFamily.AVA4);
        assertThat(reading.value("systolic")).isEqualByComparingTo("137");
        assertThat(reading.value("diastolic")).isEqualByComparingTo("95");
        assertThat(reading.value("pulse")).isEqualByComparingTo(new BigDecimal("74"));
        assertThat(reading.deviceTime()).isEqualTo(T);
    }

    @Test
    void givenEntryWrittenByTheLivePipeline_whenRead_thenSkippedWithItsObservationId() {
        EntryResult r = reader.read(bucket("blood_pressure_histories", null), 3,
                new Document("sys_data", 120).append("fhir_observation_id", "abc123"));

        assertThat(r.isLive()).isTrue();
        assertThat(r.liveObservationId()).isEqualTo("abc123");
        assertThat(r.readings()).isEmpty();
    }

    @Test
    void givenEveryNoMarkerSpelling_whenRead_thenTheNoMarkerFieldIsUsed() {
        for (String spelling : List.of("No marker", "No Marker", "none", "None")) {
            EntryResult r = reader.read(bucket("blood_sugar_histories", null), 0,
                    new Document("blood_sugar_marker", spelling).append("no_marker_dtx", "105")
                            .append("pre_meal_dtx", null).append("blood_sugar_import_date", Date.from(T)));

            assertThat(r.rejects()).as(spelling).isEmpty();
            assertThat(r.readings().get(0).reading().value(MeasurementKind.VALUE)).isEqualByComparingTo("105");
            assertThat(r.readings().get(0).reading().details()).containsEntry("marker", spelling);
        }
    }

    @Test
    void givenTextThatIsNotANumber_whenRead_thenRejectedNamingTheFieldNeverZero() {
        EntryResult r = reader.read(bucket("temprature_data_histories", null), 4,
                new Document("temprature_data", "36,5").append("temprature_import_date", Date.from(T)));

        assertThat(r.readings()).isEmpty();
        assertThat(r.rejects()).containsExactly(new EntryProblem("temprature_data_histories", "b1", 4,
                "BODY_TEMPERATURE", "temprature_data", "not-a-number"));
    }

    @Test
    void givenImpossibleAndImplausibleValues_whenRead_thenImpossibleRejectedAndImplausibleConvertedWithWarning() {
        EntryResult r = reader.read(bucket("body_data_histories", null), 2, new Document("weight", 0.2)
                .append("height", 900).append("bmi", "21.5").append("body_data_import_date", Date.from(T)));

        assertThat(r.readings()).extracting(m -> m.reading().kind())
                .containsExactlyInAnyOrder(MeasurementKind.BODY_WEIGHT, MeasurementKind.BMI);
        assertThat(r.rejects()).extracting(EntryProblem::field, EntryProblem::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("height", "out-of-range"));
        assertThat(r.warnings()).extracting(EntryProblem::field, EntryProblem::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("weight", "implausible-value"));
        assertThat(r.readings()).allMatch(m -> m.placeholderDevice()
                && m.reading().device().id().equals("legacy-scale-" + PATIENT.toHexString()));
    }

    @Test
    void givenSleepCountDifferentFromThePattern_whenRead_thenDurationFromThePatternAndAWarning() {
        EntryResult r = reader.read(bucket("sleep_data_histories", null), 1, new Document("sleep_data", "0122")
                .append("sleep_num", 9).append("sleep_time", "2200@0600")
                .append("sleep_timestamp", "02/01/2025 06:30:00"));

        Reading sleep = r.readings().get(0).reading();
        assertThat(sleep.value(MeasurementKind.VALUE)).isEqualByComparingTo("15");
        assertThat(sleep.deviceTime()).isEqualTo(Instant.parse("2025-01-01T15:00:00Z"));
        assertThat(r.warnings()).extracting(EntryProblem::reason).containsExactly("sleep-count-mismatch");
    }

    @Test
    void givenManualEntry_whenRead_thenTheManualPlaceholderEvenWhenADeviceIsRegistered() {
        EntryResult r = reader.read(bucket("blood_pressure_histories", new Document("mac_bps", "D616F9641622")), 0,
                new Document("sys_data", 120).append("dia_data", 80).append("blood_pressure_source", "0")
                        .append("blood_pressure_import_date", Date.from(T)));

        assertThat(r.readings().get(0).reading().device().id()).isEqualTo("legacy-manual-" + PATIENT.toHexString());
    }

    @Test
    void givenBucketWithoutPatient_whenRead_thenEveryEntryRejected() {
        LegacyEntryReader.Bucket unknown = new LegacyEntryReader.Bucket("spo2_histories", "b9", null, false,
                PatientDevices.NONE);

        EntryResult r = reader.read(unknown, 0, new Document("spo2_data", 97).append("spo2_import_date", Date.from(T)));

        assertThat(r.rejects()).extracting(EntryProblem::reason).containsExactly("bucket-without-patient");
    }

    private EntryResult one(String collection, Document entry) {
        return reader.read(bucket(collection, null), 0, entry);
    }

    @Test
    void givenUricAcidOfEitherUnit_whenRead_thenMgPerDlAsLaboratoryUrateAndMeterValuesAsUmolPerLTagged() {
        EntryResult lab = one("creatinine_histories", new Document("uric", 6.5).append("cretinines_import_date",
                Date.from(T)));
        EntryResult meter = one("creatinine_histories", new Document("uric", "517.5").append("cretinines_import_date",
                Date.from(T)));
        EntryResult between = one("creatinine_histories", new Document("uric", 40).append("cretinines",
                1.1).append("cretinines_import_date", Date.from(T)));

        assertThat(lab.readings()).singleElement().satisfies(m -> {
            assertThat(m.reading().kind()).isEqualTo(MeasurementKind.URIC_ACID_MASS);
            assertThat(m.reading().details()).doesNotContainKey("unit_by_magnitude");
        });
        assertThat(lab.warnings()).isEmpty();
        assertThat(meter.readings()).singleElement().satisfies(m -> {
            assertThat(m.reading().kind()).isEqualTo(MeasurementKind.URIC_ACID);
            assertThat(m.reading().value(MeasurementKind.VALUE)).isEqualByComparingTo("517.5");
            assertThat(m.reading().details()).containsEntry("unit_by_magnitude", "umol/L");
        });
        assertThat(between.readings()).extracting(m -> m.reading().kind()).containsExactly(MeasurementKind.CREATININE);
        assertThat(between.rejects()).extracting(EntryProblem::field, EntryProblem::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("uric", "ambiguous-unit"));
    }

    @Test
    void givenTotalCholesterolOfEitherUnit_whenRead_thenByMagnitudeOrRefusedBetween() {
        assertThat(one("lipid_histories", new Document("lipids", 4.3).append("lipids_import_date", Date.from(T)))
                .readings()).extracting(m -> m.reading().kind()).containsExactly(MeasurementKind.CHOLESTEROL);
        assertThat(one("lipid_histories", new Document("lipids", 190).append("lipids_import_date", Date.from(T)))
                .readings()).extracting(m -> m.reading().kind()).containsExactly(MeasurementKind.LIPID_TOTAL);
        assertThat(one("lipid_histories", new Document("lipids", 30).append("lipids_import_date", Date.from(T)))
                .rejects()).extracting(EntryProblem::reason).containsExactly("ambiguous-unit");
    }

    @Test
    void givenWaistInInchesOrCentimetresAndUrea_whenRead_thenEachInItsUnitAndTheOverlapRefused() {
        EntryResult inches = one("body_data_histories", new Document("weight", 61.5).append("waist", 32)
                .append("body_data_import_date", Date.from(T)));
        EntryResult cm = one("body_data_histories", new Document("waist", "82").append("body_data_import_date",
                Date.from(T)));
        EntryResult overlap = one("body_data_histories", new Document("waist", 55).append("body_data_import_date",
                Date.from(T)));
        EntryResult urea = one("creatinine_histories", new Document("bun", 14).append("cretinines_import_date",
                Date.from(T)));

        assertThat(inches.readings()).extracting(m -> m.reading().kind()).containsExactlyInAnyOrder(
                MeasurementKind.BODY_WEIGHT, MeasurementKind.WAIST_INCHES);
        assertThat(cm.readings()).extracting(m -> m.reading().kind()).containsExactly(MeasurementKind.WAIST);
        assertThat(overlap.rejects()).extracting(EntryProblem::reason).containsExactly("ambiguous-unit");
        assertThat(urea.readings()).extracting(m -> m.reading().kind()).containsExactly(MeasurementKind.BUN);
        assertThat(urea.readings().get(0).reading().device().id()).isEqualTo("legacy-lab-" + PATIENT.toHexString());
    }

    @Test
    void givenWatchAndObjectModeTemperatures_whenRead_thenSkinAtTheWristAndAnObject() {
        EntryResult watch = one("temprature_data_histories", new Document("temprature_data", 36.1)
                .append("temprature_source", 2).append("temprature_import_date", Date.from(T)));
        EntryResult object = one("temprature_data_histories", new Document("temprature_data", 25.5)
                .append("temprature_mode", "Object").append("temprature_import_date", Date.from(T)));

        assertThat(watch.readings().get(0).reading().kind()).isEqualTo(MeasurementKind.SKIN_TEMPERATURE);
        assertThat(watch.readings().get(0).reading().details()).containsEntry("site", "wrist");
        assertThat(object.readings().get(0).reading().kind()).isEqualTo(MeasurementKind.OBJECT_TEMPERATURE);
    }

    @Test
    void givenGlucoseWrittenAsTheMetersBound_whenRead_thenTheBoundWithItsComparator() {
        EntryResult r = one("blood_sugar_histories", new Document("dtx_type", 2).append("fasting_dtx", ">600")
                .append("blood_sugar_import_date", Date.from(T)));

        assertThat(r.rejects()).isEmpty();
        assertThat(r.readings().get(0).reading().value(MeasurementKind.VALUE)).isEqualByComparingTo("600");
        assertThat(r.readings().get(0).reading().details()).containsEntry("comparator", ">");
    }

    @Test
    void givenTheSleepEntryTheLivePipelineWrites_whenRead_thenTheSameNightAsTheLiveReading() {
        Instant watchStamp = Instant.parse("2025-04-07T00:10:00Z");
        String legacyStamp = org.mfc.fhir.core.parse.ThaiTime.legacyStamp(watchStamp);
        EntryResult r = one("sleep_data_histories", new Document("sleep_data", "0011122221110000")
                .append("sleep_time", "2200@0700").append("sleep_timestamp", legacyStamp));

        assertThat(legacyStamp).isEqualTo("07/04/2025 07:10:00");
        assertThat(r.readings().get(0).reading().deviceTime()).isEqualTo(org.mfc.fhir.core.parse.SleepWindow
                .parse("2200@0700").orElseThrow().nightOf(watchStamp).start());
    }
}
