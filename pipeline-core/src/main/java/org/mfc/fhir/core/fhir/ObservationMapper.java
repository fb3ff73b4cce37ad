package org.mfc.fhir.core.fhir;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.hl7.fhir.r5.model.CodeableConcept;
import org.hl7.fhir.r5.model.Coding;
import org.hl7.fhir.r5.model.Enumerations.ObservationStatus;
import org.hl7.fhir.r5.model.Observation;
import org.hl7.fhir.r5.model.Period;
import org.hl7.fhir.r5.model.Quantity;
import org.hl7.fhir.r5.model.Reference;
import org.mfc.fhir.core.ids.DeterministicIds;
import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.model.Reading;
import org.mfc.fhir.core.model.Systems;
import org.mfc.fhir.core.store.LegacyEntryMapper.GlucoseMarker;

/**
 * Reading to R5 Observations, driven by {@link MeasurementKind}. Pure: no I/O.
 * One reading may give several Observations: the kind's own, and a heart-rate Observation for the pulse that came
 * with it (fhir-r5-mapping.md section 1). Values are checked against the kind's {@link MeasurementKind.Limits}
 * first: an impossible value throws {@link ImplausibleValueException}, a possible but implausible one is kept with an
 * {@code interpretation}.
 */
public final class ObservationMapper {

    /** SpO2 carries the pulse-oximetry code next to the arterial one (the old system sent only this one). */
    private static final String SPO2_PULSE_OXIMETRY = "59408-5";
    static final String INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
    static final String DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason";
    /** Detail key of the thermometer mode. */
    public static final String MODE = "mode";

    public List<MappedResource> map(Reading reading, String patientId, Instant receivedAt) {
        checkPossible(reading);
        List<MappedResource> out = new ArrayList<>(2);
        out.add(observation(reading, reading.kind(), reading.values(), patientId, receivedAt));
        for (MeasurementKind.Component c : reading.kind().components) {
            BigDecimal v = reading.value(c.key());
            if (c.ownObservation() && v != null) {
                out.add(separateComponent(reading, c, v, patientId, receivedAt));
            }
        }
        BigDecimal pulse = reading.value(MeasurementKind.PULSE);
        if (pulse != null && reading.kind() != MeasurementKind.HEART_RATE) {
            out.add(observation(reading, MeasurementKind.HEART_RATE, Map.of(MeasurementKind.VALUE, pulse), patientId,
                    receivedAt));
        }
        return out;
    }

    /** The first half of the one plausibility rule: impossible values reject the whole reading. */
    static void checkPossible(Reading reading) {
        for (Map.Entry<String, BigDecimal> v : reading.values().entrySet()) {
            MeasurementKind.Limits limits = reading.kind().limits.get(v.getKey());
            if (limits == null) {
                throw new ImplausibleValueException(reading.kind() + " has no value '" + v.getKey() + "'");
            }
            if (!limits.possible(v.getValue())) {
                throw new ImplausibleValueException(reading.kind() + " " + v.getKey()
                        + " is outside the physiologically possible range " + bound(limits.possibleMin()) + ".."
                        + bound(limits.possibleMax()));
            }
        }
    }

    private MappedResource observation(Reading reading, MeasurementKind kind, Map<String, BigDecimal> values,
            String patientId, Instant receivedAt) {
        String deviceId = DeterministicIds.deviceId(reading.device());
        String key = DeterministicIds.observationKey(reading.device(), patientId, kind.loinc, reading.deviceTime(),
                null);
        Observation o = new Observation();
        o.setId(DeterministicIds.observationId(key));
        if (kind.category == MeasurementKind.Category.VITAL_SIGNS) {
            o.getMeta().addProfile(Systems.VITAL_SIGNS_PROFILE_BASE + "vitalsigns");
        }
        if (kind.profile != null) {
            o.getMeta().addProfile(Systems.VITAL_SIGNS_PROFILE_BASE + kind.profile);
        }
        o.getMeta().addSecurity(new Coding(Systems.CONFIDENTIALITY, "N", "normal"));
        o.addIdentifier().setSystem(Systems.OBSERVATION_ID).setValue(key);
        o.setStatus(ObservationStatus.FINAL);
        o.addCategory().addCoding(Systems.OBSERVATION_CATEGORY, kind.category.code, kind.category.display);
        CodeableConcept code = o.getCode();
        code.addCoding(Systems.LOINC, kind.loinc, kind.display);
        if (kind == MeasurementKind.SPO2) {
            code.addCoding(Systems.LOINC, SPO2_PULSE_OXIMETRY, "Oxygen saturation in Arterial blood by Pulse oximetry");
        }
        code.setText(kind.display);
        o.setSubject(new Reference("Patient/" + patientId));
        o.setDevice(new Reference("Device/" + deviceId));
        if (reading.periodEnd() != null && kind == reading.kind()) {
            o.setEffective(new Period().setStartElement(FhirJson.dateTime(reading.deviceTime()))
                    .setEndElement(FhirJson.dateTime(reading.periodEnd())));
        } else {
            o.setEffective(FhirJson.dateTime(reading.deviceTime()));
        }
        o.setIssuedElement(FhirJson.instant(receivedAt));
        if (kind == MeasurementKind.BODY_TEMPERATURE) {
            BodySites.ofThermometerMode(reading.details().get(MODE)).ifPresent(o::setBodySite);
        }
        BigDecimal primary = values.get(MeasurementKind.VALUE);
        if (kind.hasPrimaryValue() && primary != null) {
            o.setValue(quantity(primary, kind.unit));
            interpretation(kind, MeasurementKind.VALUE, primary).ifPresent(o::addInterpretation);
        }
        for (MeasurementKind.Component c : kind.components) {
            BigDecimal v = values.get(c.key());
            if (v != null && !c.ownObservation()) {
                Observation.ObservationComponentComponent comp = o.addComponent();
                comp.getCode().addCoding(c.system(), c.code(), c.display());
                comp.getCode().setText(c.display());
                comp.setValue(quantity(v, c.unit()));
                interpretation(kind, c.key(), v).ifPresent(comp::addInterpretation);
            } else if (v == null && !kind.hasPrimaryValue()) {
                // A panel (blood pressure) lists every component; the profile wants a missing one said so.
                Observation.ObservationComponentComponent comp = o.addComponent();
                comp.getCode().addCoding(c.system(), c.code(), c.display());
                comp.getCode().setText(c.display());
                comp.getDataAbsentReason().addCoding(DATA_ABSENT, "unknown", "Unknown");
            }
        }
        if (kind == MeasurementKind.BLOOD_GLUCOSE && reading.details().containsKey(GlucoseMarker.DETAIL)) {
            String raw = reading.details().get(GlucoseMarker.DETAIL);
            GlucoseMarker marker = GlucoseMarker.of(raw);
            Observation.ObservationComponentComponent comp = o.addComponent();
            comp.getCode().addCoding(Systems.MEASUREMENT_CODES, GlucoseMarker.COMPONENT_CODE, "Meal marker");
            comp.getCode().setText("Meal marker");
            CodeableConcept value = new CodeableConcept();
            value.addCoding(GlucoseMarker.SYSTEM, marker.code, marker.legacyLabel);
            value.setText(raw);
            comp.setValue(value);
        }
        return new MappedResource(o, patientId, deviceId, kind.loinc, reading.deviceTime());
    }

    /** A secondary value that the kind's profile does not allow as a component, as its own Observation. */
    private MappedResource separateComponent(Reading reading, MeasurementKind.Component c, BigDecimal value,
            String patientId, Instant receivedAt) {
        String deviceId = DeterministicIds.deviceId(reading.device());
        String key = DeterministicIds.observationKey(reading.device(), patientId, c.code(), reading.deviceTime(),
                c.key());
        Observation o = new Observation();
        o.setId(DeterministicIds.observationId(key));
        o.getMeta().addSecurity(new Coding(Systems.CONFIDENTIALITY, "N", "normal"));
        o.addIdentifier().setSystem(Systems.OBSERVATION_ID).setValue(key);
        o.setStatus(ObservationStatus.FINAL);
        MeasurementKind.Category exam = MeasurementKind.Category.EXAM;
        o.addCategory().addCoding(Systems.OBSERVATION_CATEGORY, exam.code, exam.display);
        o.getCode().addCoding(c.system(), c.code(), c.display());
        o.getCode().setText(c.display());
        o.setSubject(new Reference("Patient/" + patientId));
        o.setDevice(new Reference("Device/" + deviceId));
        o.setEffective(FhirJson.dateTime(reading.deviceTime()));
        o.setIssuedElement(FhirJson.instant(receivedAt));
        o.setValue(quantity(value, c.unit()));
        interpretation(reading.kind(), c.key(), value).ifPresent(o::addInterpretation);
        return new MappedResource(o, patientId, deviceId, c.code(), reading.deviceTime());
    }

    /** The second half of the rule: a possible value outside the plausible range is flagged, never altered. */
    static java.util.Optional<CodeableConcept> interpretation(MeasurementKind kind, String key, BigDecimal v) {
        MeasurementKind.Limits limits = kind.limits.get(key);
        if (limits == null || limits.plausible(v)) {
            return java.util.Optional.empty();
        }
        boolean high = v.doubleValue() > limits.plausibleMax();
        CodeableConcept cc = new CodeableConcept();
        cc.addCoding(INTERPRETATION, high ? "HU" : "LU", high ? "Significantly high" : "Significantly low");
        cc.setText("implausible: outside " + bound(limits.plausibleMin()) + ".." + bound(limits.plausibleMax())
                + ", stored as measured");
        return java.util.Optional.of(cc);
    }

    private static String bound(double d) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    static Quantity quantity(BigDecimal value, String ucum) {
        Quantity q = new Quantity();
        q.setValue(value);
        q.setUnit(ucum);
        q.setSystem(Systems.UCUM);
        q.setCode(ucum);
        return q;
    }
}
