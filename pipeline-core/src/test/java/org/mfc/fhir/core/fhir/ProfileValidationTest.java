package org.mfc.fhir.core.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mfc.fhir.core.legacy.LegacyNames;
import org.mfc.fhir.core.legacy.PatientMapper;
import org.mfc.fhir.core.model.MeasurementKind;

import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;

/**
 * Every resource the pipeline writes validates against the R5 base definitions and the vital-signs profiles it
 * claims in {@code meta.profile} (hapi-fhir-validation-resources-r5), with zero structure or profile errors.
 * Terminology is relaxed only where it cannot be checked offline: LOINC, SNOMED CT and UCUM are external code systems
 * with no content here, and the project's own code systems are not published to the validator.
 */
class ProfileValidationTest {

    private static FhirValidator validator;

    @BeforeAll
    static void validator() {
        var ctx = FhirJson.context();
        ValidationSupportChain chain = new ValidationSupportChain(new DefaultProfileValidationSupport(ctx),
                new CommonCodeSystemsTerminologyService(ctx), new InMemoryTerminologyServerValidationSupport(ctx),
                new SnapshotGeneratingValidationSupport(ctx));
        FhirInstanceValidator module = new FhirInstanceValidator(chain);
        module.setAnyExtensionsAllowed(false);
        validator = ctx.newValidator().registerValidatorModule(module);
    }

    @ParameterizedTest
    @EnumSource(MeasurementKind.class)
    void givenReadingOfKind_whenMapped_thenEveryResourceIsProfileValid(MeasurementKind kind) {
        for (MappedResource m : MappedReadings.of(SampleReadings.of(kind))) {
            assertThat(errors(m)).as(kind + " " + m.resourceType() + "\n" + FhirJson.encode(m.resource()))
                    .isEmpty();
        }
    }

    @Test
    void givenImplausibleButPossibleValue_whenMapped_thenInterpretedObservationIsProfileValid() {
        var reading = SampleReadings.withValues(SampleReadings.of(MeasurementKind.SPO2),
                SampleReadings.values("value", "55", "pulse", "240"));
        for (MappedResource m : new ObservationMapper().map(reading, SampleReadings.PATIENT,
                SampleReadings.RECEIVED)) {
            assertThat(errors(m)).as(FhirJson.encode(m.resource())).isEmpty();
        }
    }

    @Test
    void givenMeterBoundCufflessEstimateAndFlags_whenMapped_thenEveryVariantIsProfileValid() {
        var glucose = SampleReadings.of(MeasurementKind.BLOOD_GLUCOSE);
        var hi = new org.mfc.fhir.core.model.Reading(glucose.family(), glucose.kind(), glucose.device(),
                glucose.gateway(), null, glucose.deviceTime(), null, SampleReadings.values("value", "600"),
                java.util.Map.of("marker", "Non-fasting", "comparator", ">", "time_source", "message"));
        var watchBp = new org.mfc.fhir.core.model.Reading(org.mfc.fhir.core.model.DeviceFamily.KATI,
                MeasurementKind.BLOOD_PRESSURE, SampleReadings.WATCH, null, null, SampleReadings.DEVICE_TIME, null,
                SampleReadings.values("systolic", "260", "diastolic", "78"), java.util.Map.of("method", "cuffless",
                        "site", "wrist"));
        for (var reading : List.of(hi, watchBp)) {
            for (MappedResource m : new ObservationMapper().map(reading, new ObservationMapper.Context(
                    SampleReadings.PATIENT, "gateway-owner", SampleReadings.RECEIVED.plusSeconds(5 * 86_400),
                    SampleReadings.RECEIVED))) {
                assertThat(errors(m)).as(FhirJson.encode(m.resource())).isEmpty();
            }
        }
    }

    @Test
    void givenPatientWithPartialBirthDateHospitalAndUncheckedCard_whenMapped_thenValid() {
        Document legacy = new Document("_id", new ObjectId("65f000000000000000000003")).append("id_card", "12345")
                .append("hn_id_no", "HN-7").append("new_hospital_ids", List.of(new ObjectId(
                        "65f0000000000000000000aa"))).append(LegacyNames.BIRTH_DATE_PARTIAL, "1979-07");
        assertThat(errors(new PatientMapper().map(legacy))).isEmpty();
    }

    @Test
    void givenBloodPressureWithoutDiastolic_whenMapped_thenDiastolicIsDeclaredAbsentAndObservationValid() {
        MappedResource bp = new ObservationMapper().map(SampleReadings.withValues(
                SampleReadings.of(MeasurementKind.BLOOD_PRESSURE), SampleReadings.values("systolic", "120")),
                SampleReadings.PATIENT, SampleReadings.RECEIVED).get(0);
        assertThat(errors(bp)).isEmpty();
        assertThat(FhirJson.encode(bp.resource())).contains("dataAbsentReason");
    }

    @Test
    void givenVitalSignWithoutSubject_whenValidated_thenProfileErrorIsReported() {
        MappedResource hr = new ObservationMapper().map(SampleReadings.of(MeasurementKind.HEART_RATE),
                SampleReadings.PATIENT, SampleReadings.RECEIVED).get(0);
        ((org.hl7.fhir.r5.model.Observation) hr.resource()).setSubject(null);
        assertThat(errors(hr)).as("the validator must apply the vital-signs profile").isNotEmpty();
    }

    @Test
    void givenWalkInLegacyPatient_whenMapped_thenPatientIsValid() {
        Document legacy = new Document("_id", new ObjectId("65f000000000000000000002")).append("id_card",
                "1100000000016").append("first_name", "Walk").append("last_name", "In").append("gender", "male")
                .append("birth_date", Date.from(Instant.parse("1979-07-13T00:00:00Z")))
                .append("registration_status", "unregistered");
        assertThat(errors(new PatientMapper().map(legacy))).isEmpty();
    }

    private static List<String> errors(MappedResource m) {
        ValidationResult result = validator.validateWithResult(m.resource());
        List<String> errors = new ArrayList<>();
        for (SingleValidationMessage msg : result.getMessages()) {
            if (Boolean.getBoolean("validation.debug")) {
                System.out.println("VALIDATION " + m.resourceType() + " " + msg.getSeverity() + " "
                        + msg.getLocationString() + ": " + msg.getMessage());
            }
            if (msg.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal() && !offlineTerminology(msg)) {
                errors.add(msg.getLocationString() + ": " + msg.getMessage());
            }
        }
        return errors;
    }

    /**
     * The only relaxation: a code system with no content here (LOINC, SNOMED CT, the project's own) cannot have its
     * codes checked. Every other error, including a unit outside a required value set, counts.
     */
    private static boolean offlineTerminology(SingleValidationMessage msg) {
        return msg.getMessage().contains("CodeSystem is unknown and can't be validated");
    }
}
