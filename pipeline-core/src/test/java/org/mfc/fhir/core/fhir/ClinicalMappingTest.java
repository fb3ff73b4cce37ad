package org.mfc.fhir.core.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.hl7.fhir.r5.model.CodeableConcept;
import org.hl7.fhir.r5.model.Coding;
import org.hl7.fhir.r5.model.Device;
import org.hl7.fhir.r5.model.Reference;
import org.hl7.fhir.r5.model.Observation;
import org.hl7.fhir.r5.model.Patient;
import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.legacy.LegacyNames;
import org.mfc.fhir.core.legacy.PatientMapper;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.model.Reading;
import org.mfc.fhir.core.model.Systems;
import org.mfc.fhir.core.model.GlucoseMarker;

/** Mapping rules of mapping version 2 (issue 15) that the golden files show but do not name. */
class ClinicalMappingTest {

    private static final String PATIENT = SampleReadings.PATIENT;
    private final ObservationMapper mapper = new ObservationMapper();

    private static Observation first(List<MappedResource> mapped) {
        return (Observation) mapped.get(0).resource();
    }

    private static List<String> tags(Observation o) {
        return o.getMeta().getTag().stream().filter(t -> Systems.DATA_QUALITY.equals(t.getSystem()))
                .map(Coding::getCode).toList();
    }

    @Test
    void givenTwoHeartRatesInOneSecond_whenMapped_thenTwoFactsAndAReplayIsTheSameFact() {
        Reading ap55 = SampleReadings.of(MeasurementKind.HEART_RATE);
        Reading vitalSign = SampleReadings.withValues(ap55, SampleReadings.values("value", "75"));

        String a = mapper.map(ap55, PATIENT, SampleReadings.RECEIVED).get(0).id();
        String b = mapper.map(vitalSign, PATIENT, SampleReadings.RECEIVED).get(0).id();
        String replay = mapper.map(ap55, PATIENT, SampleReadings.RECEIVED.plusSeconds(3600)).get(0).id();

        assertThat(a).isNotEqualTo(b);
        assertThat(replay).isEqualTo(a);
    }

    @Test
    void givenPeriodFacts_whenMappedWithAnotherValue_thenTheIdentityIsThePeriod() {
        Reading steps = SampleReadings.steps(SampleReadings.THAI_DAY_START, 1200);
        Reading more = SampleReadings.steps(SampleReadings.THAI_DAY_START, 3400);

        assertThat(mapper.map(steps, PATIENT, SampleReadings.RECEIVED).get(0).id())
                .isEqualTo(mapper.map(more, PATIENT, SampleReadings.RECEIVED).get(0).id());
    }

    @Test
    void givenStepsOfTheRunningDayAndOfAnEndedDay_whenMapped_thenPreliminaryThenFinal() {
        Reading steps = SampleReadings.steps(SampleReadings.THAI_DAY_START, 1200);

        assertThat(first(mapper.map(steps, PATIENT, SampleReadings.RECEIVED)).getStatus().toCode())
                .isEqualTo("preliminary");
        assertThat(first(mapper.map(steps, PATIENT, SampleReadings.THAI_DAY_START.plusSeconds(86_400)))
                .getStatus().toCode()).isEqualTo("final");
    }

    @Test
    void givenReadingReceivedDaysLater_whenMapped_thenTaggedDelayedNotStoredAsCurrent() {
        Reading hr = SampleReadings.of(MeasurementKind.HEART_RATE);

        assertThat(tags(first(mapper.map(hr, PATIENT, SampleReadings.RECEIVED)))).isEmpty();
        assertThat(tags(first(mapper.map(hr, PATIENT, SampleReadings.DEVICE_TIME.plusSeconds(3 * 86_400)))))
                .containsExactly("delayed-report");
    }

    @Test
    void givenPatientFoundThroughTheGateway_whenMapped_thenTheObservationSaysSo() {
        Observation o = first(mapper.map(SampleReadings.of(MeasurementKind.BLOOD_PRESSURE),
                new ObservationMapper.Context(PATIENT, "gateway-owner", SampleReadings.RECEIVED,
                        SampleReadings.RECEIVED)));

        assertThat(tags(o)).containsExactly("patient-from-gateway");
    }

    @Test
    void givenGlucoseAboveTheMetersRange_whenMapped_thenQuantityWithComparatorAndHigh() {
        Reading hi = new Reading(DeviceFamily.AVA4, MeasurementKind.BLOOD_GLUCOSE,
                SampleReadings.of(MeasurementKind.BLOOD_GLUCOSE).device(), SampleReadings.AVA4_BOX, null,
                SampleReadings.DEVICE_TIME, null, SampleReadings.values("value", "600"),
                Map.of("marker", "Fasting", "comparator", ">"));

        Observation o = first(mapper.map(hi, PATIENT, SampleReadings.RECEIVED));

        assertThat(o.getValueQuantity().getComparator().toCode()).isEqualTo(">");
        assertThat(o.getInterpretationFirstRep().getCodingFirstRep().getCode()).isEqualTo("H");
        assertThat(o.getReferenceRangeFirstRep().getHigh().getValue()).isEqualByComparingTo("99");
        assertThat(o.getIdentifierFirstRep().getValue()).endsWith("|>600 mg/dL");
    }

    @Test
    void givenSaturationBelowAndTemperatureWithinTheirNormalRanges_whenMapped_thenLowAndNoInterpretation() {
        Reading low = SampleReadings.withValues(SampleReadings.of(MeasurementKind.SPO2), SampleReadings.values(
                "value", "92", "pulse", "80"));

        Observation spo2 = first(mapper.map(low, PATIENT, SampleReadings.RECEIVED));
        Observation temperature = first(mapper.map(SampleReadings.of(MeasurementKind.BODY_TEMPERATURE), PATIENT,
                SampleReadings.RECEIVED));

        assertThat(spo2.getReferenceRangeFirstRep().getLow().getValue()).isEqualByComparingTo("95");
        assertThat(spo2.getInterpretation()).singleElement().satisfies(i -> assertThat(i.getCodingFirstRep()
                .getCode()).isEqualTo("L"));
        assertThat(tags(spo2)).isEmpty();
        assertThat(temperature.getReferenceRangeFirstRep().getHigh().getValue()).isEqualByComparingTo("37.2");
        assertThat(temperature.getInterpretation()).isEmpty();
    }

    @Test
    void givenMarkerSpellings_whenMatched_thenExactlyAndNonFastingIsNotFasting() {
        assertThat(GlucoseMarker.parse("Non-fasting")).isEmpty();
        assertThat(GlucoseMarker.parse("Fasting")).contains(GlucoseMarker.FASTING);
        assertThat(GlucoseMarker.parse("before_meal")).contains(GlucoseMarker.BEFORE_MEAL);
        assertThat(GlucoseMarker.parse("After  Meal")).contains(GlucoseMarker.AFTER_MEAL);
        assertThat(GlucoseMarker.parse("No Marker")).contains(GlucoseMarker.NO_MARKER);
        assertThat(GlucoseMarker.parse("postprandial-ish")).isEmpty();
        Reading g = new Reading(DeviceFamily.QUBE_VITAL, MeasurementKind.BLOOD_GLUCOSE,
                SampleReadings.of(MeasurementKind.BLOOD_GLUCOSE).device(), SampleReadings.QUBE_BOX, null,
                SampleReadings.DEVICE_TIME, null, SampleReadings.values("value", "108"), Map.of("marker",
                        "Non-fasting"));

        Observation o = first(mapper.map(g, PATIENT, SampleReadings.RECEIVED));

        var marker = o.getComponent().stream().filter(c -> c.getCode().getCodingFirstRep().getCode()
                .equals("meal-marker")).findFirst().orElseThrow().getValueCodeableConcept();
        assertThat(marker.getText()).isEqualTo("Non-fasting");
        assertThat(marker.getCoding()).isEmpty();
    }

    @Test
    void givenWatchBloodPressure_whenMapped_thenCufflessMethodAtTheWrist() {
        Reading bp = new Reading(DeviceFamily.KATI, MeasurementKind.BLOOD_PRESSURE, SampleReadings.WATCH, null, null,
                SampleReadings.DEVICE_TIME, null, SampleReadings.values("systolic", "122", "diastolic", "78"),
                Map.of("method", "cuffless", "site", "wrist"));

        Observation o = first(mapper.map(bp, PATIENT, SampleReadings.RECEIVED));

        assertThat(o.getMethod().getCoding()).extracting(Coding::getCode).contains("761996005", "cuffless-ppg");
        assertThat(o.getBodySite().getCodingFirstRep().getCode()).isEqualTo("8205005");
    }

    @Test
    void givenLegacyPatient_whenMapped_thenThaiBirthDateHospitalScopedHnManagingOrganizationAndCheckedCitizenId() {
        ObjectId hospital = new ObjectId("66b000000000000000000001");
        Document legacy = new Document("_id", new ObjectId(PATIENT)).append("id_card", "1100000000008")
                .append("hn_id_no", "HN-0001").append("new_hospital_ids", List.of(hospital))
                // Thai midnight of 1 February 1960, as the legacy application stores it.
                .append("birth_date", Date.from(Instant.parse("1960-01-31T17:00:00Z")));

        Patient p = (Patient) new PatientMapper().map(legacy).resource();

        assertThat(p.getBirthDateElement().getValueAsString()).isEqualTo("1960-02-01");
        assertThat(p.getManagingOrganization().getReference()).isEqualTo("Organization/" + hospital.toHexString());
        var hn = p.getIdentifier().stream().filter(i -> "HN-0001".equals(i.getValue())).findFirst().orElseThrow();
        assertThat(hn.getSystem()).isEqualTo("https://fhir.mfc.local/sid/hn/" + hospital.toHexString());
        assertThat(hn.getAssigner().getReference()).isEqualTo("Organization/" + hospital.toHexString());
        assertThat(p.getIdentifier()).anyMatch(i -> Systems.CITIZEN_ID.equals(i.getSystem()));

        Patient wrongCard = (Patient) new PatientMapper().map(new Document(legacy).append("id_card",
                "1100000000001")).resource();
        assertThat(wrongCard.getIdentifier()).noneMatch(i -> Systems.CITIZEN_ID.equals(i.getSystem()))
                .anyMatch(i -> Systems.LEGACY_ID_CARD.equals(i.getSystem()));
    }

    @Test
    void givenWalkInKnownOnlyToTheYear_whenMapped_thenTheYearIsKept() {
        Document legacy = new Document("_id", new ObjectId(PATIENT)).append(LegacyNames.BIRTH_DATE_PARTIAL,
                "1979");

        assertThat(((Patient) new PatientMapper().map(legacy).resource()).getBirthDateElement().getValueAsString())
                .isEqualTo("1979");
    }

    private static List<String> codes(CodeableConcept c, String system) {
        return c.getCoding().stream().filter(x -> system.equals(x.getSystem())).map(Coding::getCode).toList();
    }

    @Test
    void givenCuffAndOximeterThroughABox_whenMapped_thenMdcBesideLoincDeviceTypeGatewayAndPulseByOximetry() {
        String mdc = "urn:iso:std:iso:11073:10101";
        String gateway = "http://hl7.org/fhir/StructureDefinition/observation-gatewayDevice";
        Reading bpReading = SampleReadings.of(MeasurementKind.BLOOD_PRESSURE);
        Observation bp = first(mapper.map(bpReading, PATIENT, SampleReadings.RECEIVED));

        assertThat(codes(bp.getCode(), mdc)).containsExactly("150020");
        assertThat(bp.getComponent()).extracting(c -> codes(c.getCode(), mdc))
                .containsExactlyInAnyOrder(List.of("150021"), List.of("150022"));
        assertThat(((Reference) bp.getExtensionByUrl(gateway).getValue()).getReference())
                .isEqualTo("Device/box-08F9E0D1F7B4");
        Device cuff = (Device) new DeviceMapper().map(bpReading).get(0).resource();
        assertThat(codes(cuff.getTypeFirstRep(), mdc)).containsExactly("528391");
        assertThat(cuff.getManufacturer()).isEqualTo("Biolight");

        List<MappedResource> oximeter = mapper.map(SampleReadings.of(MeasurementKind.SPO2), PATIENT,
                SampleReadings.RECEIVED);
        Observation pulse = oximeter.stream().map(m -> (Observation) m.resource())
                .filter(o -> codes(o.getCode(), Systems.LOINC).contains("8867-4")).findFirst().orElseThrow();
        assertThat(codes(pulse.getCode(), Systems.LOINC)).contains("8889-8");
        assertThat(codes(pulse.getCode(), mdc)).containsExactly("149530");
    }
}
