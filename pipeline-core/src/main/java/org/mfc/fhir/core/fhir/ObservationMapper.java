package org.mfc.fhir.core.fhir;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

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
import org.mfc.fhir.core.model.ReadingDetails;
import org.mfc.fhir.core.model.Systems;
import org.mfc.fhir.core.parse.DeviceTimeRule;
import org.mfc.fhir.core.model.GlucoseMarker;

/**
 * Reading to R5 Observations, driven by {@link MeasurementKind}. Pure: no I/O.
 * One reading may give several Observations: the kind's own, and a heart-rate Observation for the pulse that came
 * with it (fhir-r5-mapping.md section 1). Values are checked against the kind's {@link MeasurementKind.Limits}
 * first: an impossible value throws {@link ImplausibleValueException}, a possible but implausible one is stored as
 * measured with a data-quality tag ({@link DataQuality}). A value outside an established normal range gets
 * {@code referenceRange} and the plain {@code H}/{@code L} interpretation; nothing else is an interpretation.
 */
public final class ObservationMapper {

    /** SpO2 carries the pulse-oximetry code next to the arterial one (the old system sent only this one). */
    private static final String SPO2_PULSE_OXIMETRY = "59408-5";
    /** The pulse an oximeter reports: heart rate by pulse oximetry, beside the profile's 8867-4. */
    private static final String HEART_RATE_BY_OXIMETRY = "8889-8";
    static final String DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason";
    /** Detail key of the thermometer mode. */
    public static final String MODE = ReadingDetails.MODE;

    /**
     * What the mapping needs besides the reading.
     *
     * @param patientId          the patient the reading belongs to
     * @param attributedVia      null when the measuring device itself is registered to the patient; otherwise how the
     *                           patient was found (the gateway's owner), which the Observation then says
     * @param issued             when the pipeline received the reading ({@code Observation.issued}); null when no
     *                           time of receipt is known (legacy history), and then none is written
     * @param asOf               the time the mapping runs for: receipt time, or a migration's start; a daily count
     *                           whose day has not ended by then is {@code preliminary}
     */
    public record Context(String patientId, String attributedVia, Instant issued, Instant asOf) {

        public static Context received(String patientId, Instant receivedAt) {
            return new Context(patientId, null, receivedAt, receivedAt);
        }
    }

    private final Duration staleAfter;

    public ObservationMapper() {
        this(DeviceTimeRule.DEFAULT_STALE_AFTER);
    }

    /** @param staleAfter a reading received more than this after it was measured is tagged delayed-report */
    public ObservationMapper(Duration staleAfter) {
        this.staleAfter = staleAfter;
    }

    public List<MappedResource> map(Reading reading, String patientId, Instant receivedAt) {
        return map(reading, Context.received(patientId, receivedAt));
    }

    public List<MappedResource> map(Reading reading, Context context) {
        checkPossible(reading);
        List<MappedResource> out = new ArrayList<>(2);
        out.add(observation(reading, reading.kind(), reading.values(), context));
        for (MeasurementKind.Component c : reading.kind().components) {
            BigDecimal v = reading.value(c.key());
            if (c.ownObservation() && v != null) {
                out.add(separateComponent(reading, c, v, context));
            }
        }
        BigDecimal pulse = reading.value(MeasurementKind.PULSE);
        if (pulse != null && reading.kind() != MeasurementKind.HEART_RATE) {
            out.add(observation(reading, MeasurementKind.HEART_RATE, Map.of(MeasurementKind.VALUE, pulse), context));
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

    /**
     * The value part of an Observation's identity: the primary value, or every component in table order; none for
     * facts identified by their period (docs/decisions.md, "Observation identity").
     */
    static String identityValue(Reading reading, MeasurementKind kind, Map<String, BigDecimal> values) {
        if (kind.aggregation != MeasurementKind.Aggregation.NONE) {
            return null;
        }
        if (kind.hasPrimaryValue()) {
            String comparator = kind == reading.kind() ? reading.details().get(ReadingDetails.COMPARATOR) : null;
            return DeterministicIds.valueText(values.get(MeasurementKind.VALUE), kind.unit, comparator);
        }
        StringJoiner parts = new StringJoiner(";");
        for (MeasurementKind.Component c : kind.components) {
            parts.add(DeterministicIds.valueText(values.get(c.key()), c.unit(), null));
        }
        return parts.toString();
    }

    private MappedResource observation(Reading reading, MeasurementKind kind, Map<String, BigDecimal> values,
            Context context) {
        String deviceId = DeterministicIds.deviceId(reading.device());
        String key = DeterministicIds.observationKey(reading.device(), context.patientId(), kind.code,
                reading.deviceTime(), identityValue(reading, kind, values));
        Observation o = new Observation();
        o.setId(DeterministicIds.observationId(key));
        if (kind.category == MeasurementKind.Category.VITAL_SIGNS && kind.profile != null) {
            o.getMeta().addProfile(Systems.VITAL_SIGNS_PROFILE_BASE + "vitalsigns");
            o.getMeta().addProfile(Systems.VITAL_SIGNS_PROFILE_BASE + kind.profile);
        }
        o.getMeta().addSecurity(new Coding(Systems.CONFIDENTIALITY, "N", "normal"));
        MappingVersion.tag(o);
        o.addIdentifier().setSystem(Systems.OBSERVATION_ID).setValue(key);
        boolean primary = kind == reading.kind();
        o.setStatus(primary && open(reading, context) ? ObservationStatus.PRELIMINARY : ObservationStatus.FINAL);
        o.addCategory().addCoding(Systems.OBSERVATION_CATEGORY, kind.category.code, kind.category.display);
        code(o.getCode(), reading, kind);
        o.setSubject(new Reference("Patient/" + context.patientId()));
        o.setDevice(new Reference("Device/" + deviceId));
        Gateways.mark(o, reading);
        if (reading.periodEnd() != null && primary) {
            o.setEffective(new Period().setStartElement(FhirJson.dateTime(reading.deviceTime()))
                    .setEndElement(FhirJson.dateTime(reading.periodEnd())));
        } else {
            o.setEffective(FhirJson.dateTime(reading.deviceTime()));
        }
        if (context.issued() != null) {
            o.setIssuedElement(FhirJson.instant(context.issued()));
        }
        howAndWhere(o, reading, kind);
        BigDecimal primaryValue = values.get(MeasurementKind.VALUE);
        if (kind.hasPrimaryValue() && primaryValue != null) {
            String comparator = primary ? reading.details().get(ReadingDetails.COMPARATOR) : null;
            o.setValue(quantity(primaryValue, kind.unit, comparator));
            MeasurementKind.Normal normal = kind == MeasurementKind.BLOOD_GLUCOSE ? GlucoseNormal.of(reading)
                    : kind.normal.get(MeasurementKind.VALUE);
            if (normal != null) {
                o.addReferenceRange(referenceRange(normal, kind.unit));
                interpretation(primaryValue, comparator, normal).ifPresent(o::addInterpretation);
            }
            flag(o, kind, MeasurementKind.VALUE, primaryValue);
        }
        for (MeasurementKind.Component c : kind.components) {
            BigDecimal v = values.get(c.key());
            if (v != null && !c.ownObservation()) {
                Observation.ObservationComponentComponent comp = o.addComponent();
                componentCode(comp.getCode(), c);
                comp.setValue(quantity(v, c.unit(), null));
                MeasurementKind.Normal normal = kind.normal.get(c.key());
                if (normal != null) {
                    comp.addReferenceRange(referenceRange(normal, c.unit()));
                    interpretation(v, null, normal).ifPresent(comp::addInterpretation);
                }
                flag(o, kind, c.key(), v);
            } else if (v == null && !kind.hasPrimaryValue()) {
                // A panel (blood pressure) lists every component; the profile wants a missing one said so.
                Observation.ObservationComponentComponent comp = o.addComponent();
                componentCode(comp.getCode(), c);
                comp.getDataAbsentReason().addCoding(DATA_ABSENT, "unknown", "Unknown");
            }
        }
        if (kind == MeasurementKind.BLOOD_GLUCOSE && reading.details().containsKey(GlucoseMarker.DETAIL)) {
            o.addComponent(mealMarker(reading.details().get(GlucoseMarker.DETAIL)));
        }
        qualityTags(o, reading, context);
        return new MappedResource(o, context.patientId(), deviceId, kind.code, reading.deviceTime());
    }

    /** A daily count whose day had not ended when it was received is not final yet. */
    private static boolean open(Reading reading, Context context) {
        return reading.kind().aggregation == MeasurementKind.Aggregation.DAILY_MAXIMUM && reading.periodEnd() != null
                && context.asOf() != null && reading.periodEnd().isAfter(context.asOf());
    }

    /** LOINC (or the project code), the extra LOINC codings some kinds carry, and the IEEE 11073 code. */
    private static void code(CodeableConcept code, Reading reading, MeasurementKind kind) {
        code.addCoding(kind.system, kind.code, kind.display);
        if (kind == MeasurementKind.SPO2) {
            code.addCoding(Systems.LOINC, SPO2_PULSE_OXIMETRY, "Oxygen saturation in Arterial blood by Pulse oximetry");
        }
        MeasurementKind.Mdc mdc = kind.mdc;
        if (kind == MeasurementKind.HEART_RATE && reading.kind() != MeasurementKind.HEART_RATE) {
            if (reading.kind() == MeasurementKind.SPO2) {
                code.addCoding(Systems.LOINC, HEART_RATE_BY_OXIMETRY, "Heart rate by Pulse oximetry");
                mdc = MeasurementKind.Mdc.of("149530", "MDC_PULS_OXIM_PULS_RATE");
            } else if (reading.kind() == MeasurementKind.BLOOD_PRESSURE && !cuffless(reading)) {
                mdc = MeasurementKind.Mdc.of("149546", "MDC_PULS_RATE_NON_INV");
            }
        }
        if (mdc != null) {
            code.addCoding(Systems.MDC, mdc.code(), mdc.referenceId());
        }
        code.setText(kind.display);
    }

    private static void componentCode(CodeableConcept code, MeasurementKind.Component c) {
        code.addCoding(c.system(), c.code(), c.display());
        if (c.mdc() != null) {
            code.addCoding(Systems.MDC, c.mdc().code(), c.mdc().referenceId());
        }
        code.setText(c.display());
    }

    private static boolean cuffless(Reading reading) {
        return ReadingDetails.CUFFLESS.equals(reading.details().get(ReadingDetails.METHOD));
    }

    /**
     * Body site and method where they tell measurements apart that a reader must not mix: the thermometer's site,
     * a watch's wrist, a blood pressure estimated without a cuff (docs/decisions.md, "What is not a vital sign").
     */
    private static void howAndWhere(Observation o, Reading reading, MeasurementKind kind) {
        if (kind != reading.kind() && kind != MeasurementKind.HEART_RATE) {
            return;
        }
        if (kind == MeasurementKind.BODY_TEMPERATURE) {
            BodySites.ofThermometerMode(reading.details().get(MODE)).ifPresent(o::setBodySite);
        }
        if (ReadingDetails.WRIST.equals(reading.details().get(ReadingDetails.SITE))) {
            o.setBodySite(BodySites.wrist());
        }
        if (cuffless(reading) && kind == reading.kind()) {
            CodeableConcept method = new CodeableConcept();
            method.addCoding(Systems.SNOMED, "761996005", "Estimation technique");
            method.addCoding(Systems.MEASUREMENT_METHOD, "cuffless-ppg", "Cuffless estimate by wrist-worn "
                    + "photoplethysmography");
            method.setText("Cuffless estimate by a wrist-worn device, not a cuff measurement");
            o.setMethod(method);
        }
    }

    private static Observation.ObservationComponentComponent mealMarker(String raw) {
        Observation.ObservationComponentComponent comp = new Observation.ObservationComponentComponent();
        comp.getCode().addCoding(Systems.MEASUREMENT_CODES, GlucoseMarker.COMPONENT_CODE, "Meal marker");
        comp.getCode().setText("Meal marker");
        CodeableConcept value = new CodeableConcept();
        // A spelling no rule knows is kept as the device's text, without a code that would claim to know it.
        GlucoseMarker.parse(raw).ifPresent(m -> value.addCoding(GlucoseMarker.SYSTEM, m.code, m.legacyLabel));
        value.setText(raw);
        comp.setValue(value);
        return comp;
    }

    /** A secondary value that the kind's profile does not allow as a component, as its own Observation. */
    private MappedResource separateComponent(Reading reading, MeasurementKind.Component c, BigDecimal value,
            Context context) {
        String deviceId = DeterministicIds.deviceId(reading.device());
        String key = DeterministicIds.observationKey(reading.device(), context.patientId(), c.code(),
                reading.deviceTime(), DeterministicIds.valueText(value, c.unit(), null));
        Observation o = new Observation();
        o.setId(DeterministicIds.observationId(key));
        o.getMeta().addSecurity(new Coding(Systems.CONFIDENTIALITY, "N", "normal"));
        MappingVersion.tag(o);
        o.addIdentifier().setSystem(Systems.OBSERVATION_ID).setValue(key);
        o.setStatus(ObservationStatus.FINAL);
        MeasurementKind.Category exam = MeasurementKind.Category.EXAM;
        o.addCategory().addCoding(Systems.OBSERVATION_CATEGORY, exam.code, exam.display);
        componentCode(o.getCode(), c);
        o.setSubject(new Reference("Patient/" + context.patientId()));
        o.setDevice(new Reference("Device/" + deviceId));
        Gateways.mark(o, reading);
        o.setEffective(FhirJson.dateTime(reading.deviceTime()));
        if (context.issued() != null) {
            o.setIssuedElement(FhirJson.instant(context.issued()));
        }
        o.setValue(quantity(value, c.unit(), null));
        flag(o, reading.kind(), c.key(), value);
        qualityTags(o, reading, context);
        return new MappedResource(o, context.patientId(), deviceId, c.code(), reading.deviceTime());
    }

    /** The second half of the rule: a possible value outside the plausible range is flagged, never altered. */
    private static void flag(Observation o, MeasurementKind kind, String key, BigDecimal v) {
        MeasurementKind.Limits limits = kind.limits.get(key);
        if (limits == null || limits.plausible(v)) {
            return;
        }
        boolean high = v.doubleValue() > limits.plausibleMax();
        Coding tag = (high ? DataQuality.IMPLAUSIBLE_HIGH : DataQuality.IMPLAUSIBLE_LOW).coding();
        tag.setDisplay(tag.getDisplay() + " (" + key + ", plausible " + bound(limits.plausibleMin()) + ".."
                + bound(limits.plausibleMax()) + ")");
        o.getMeta().addTag(tag);
    }

    /** Flags about time and attribution: how the value reached us, for a reader who must judge it. */
    private void qualityTags(Observation o, Reading reading, Context context) {
        if (ReadingDetails.TIME_FROM_MESSAGE.equals(reading.details().get(ReadingDetails.TIME_SOURCE))) {
            o.getMeta().addTag(DataQuality.TIME_FROM_MESSAGE.coding());
        }
        Instant measured = reading.periodEnd() != null ? reading.periodEnd() : reading.deviceTime();
        if (context.issued() != null && context.issued().isAfter(measured.plus(staleAfter))) {
            o.getMeta().addTag(DataQuality.DELAYED_REPORT.coding());
        }
        if (context.attributedVia() != null) {
            o.getMeta().addTag(DataQuality.PATIENT_FROM_GATEWAY.coding());
        }
        if (reading.details().containsKey(ReadingDetails.UNIT_BY_MAGNITUDE)) {
            o.getMeta().addTag(DataQuality.UNIT_BY_MAGNITUDE.coding());
        }
    }

    private static Observation.ObservationReferenceRangeComponent referenceRange(MeasurementKind.Normal normal,
            String unit) {
        Observation.ObservationReferenceRangeComponent range = new Observation.ObservationReferenceRangeComponent();
        range.setLow(simpleQuantity(normal.low(), unit));
        range.setHigh(simpleQuantity(normal.high(), unit));
        range.getType().addCoding(Systems.REFERENCE_RANGE_MEANING, "normal", "Normal Range");
        range.setText(normal.text());
        return range;
    }

    /** {@code H} above, {@code L} below the normal range; a value beyond a device's range counts by its bound. */
    static Optional<CodeableConcept> interpretation(BigDecimal v, String comparator, MeasurementKind.Normal normal) {
        boolean high = v.compareTo(normal.high()) > 0 || (">".equals(comparator) && v.compareTo(normal.high()) >= 0);
        boolean low = v.compareTo(normal.low()) < 0 || ("<".equals(comparator) && v.compareTo(normal.low()) <= 0);
        if (!high && !low) {
            return Optional.empty();
        }
        CodeableConcept cc = new CodeableConcept();
        cc.addCoding(Systems.INTERPRETATION, high ? "H" : "L", high ? "High" : "Low");
        return Optional.of(cc);
    }

    private static String bound(double d) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    static Quantity quantity(BigDecimal value, String ucum, String comparator) {
        Quantity q = new Quantity();
        q.setValue(value);
        if (comparator != null) {
            q.setComparator(org.hl7.fhir.r5.model.Enumerations.QuantityComparator.fromCode(comparator));
        }
        q.setUnit(ucum);
        q.setSystem(Systems.UCUM);
        q.setCode(ucum);
        return q;
    }

    private static Quantity simpleQuantity(BigDecimal value, String ucum) {
        return quantity(value, ucum, null);
    }
}
