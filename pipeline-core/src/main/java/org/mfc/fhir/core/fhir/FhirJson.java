package org.mfc.fhir.core.fhir;

import java.time.Instant;
import java.util.Date;
import java.util.TimeZone;

import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r5.model.DateTimeType;
import org.hl7.fhir.r5.model.InstantType;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;

/**
 * The R5 context and the one canonical time form. The context is thread-safe and shared; parsers are cheap and
 * created per call. The first encode scans the model for seconds, so hosts call {@link #warmUp()} at start-up.
 * Resources are stored through {@link FhirBson}; this HAPI encoder is the reference it is tested against and the
 * reader of stored resources.
 */
public final class FhirJson {

    private static final FhirContext R5 = FhirContext.forR5Cached();
    private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

    private FhirJson() {
    }

    public static FhirContext context() {
        return R5;
    }

    public static String encode(IBaseResource resource) {
        return R5.newJsonParser().encodeResourceToString(resource);
    }

    public static <T extends IBaseResource> T parse(Class<T> type, String json) {
        return R5.newJsonParser().parseResource(type, json);
    }

    /** A dateTime printed as {@code 2025-04-06T18:25:11Z}: UTC, second precision, {@code Z}, never {@code +00:00Z}. */
    public static DateTimeType dateTime(Instant instant) {
        DateTimeType t = new DateTimeType(Date.from(instant), TemporalPrecisionEnum.SECOND, UTC);
        t.setTimeZoneZulu(true);
        return t;
    }

    /** An instant in UTC with millisecond precision and {@code Z}. */
    public static InstantType instant(Instant instant) {
        InstantType t = new InstantType(Date.from(instant), TemporalPrecisionEnum.MILLI, UTC);
        t.setTimeZoneZulu(true);
        return t;
    }

    /** Pays the model scan once, at start-up, instead of on the first reading. */
    public static void warmUp() {
        org.hl7.fhir.r5.model.Observation o = new org.hl7.fhir.r5.model.Observation();
        o.setEffective(dateTime(Instant.EPOCH));
        parse(org.hl7.fhir.r5.model.Observation.class, encode(o));
        FhirBson.encode(o);
        encode(new org.hl7.fhir.r5.model.Device());
        encode(new org.hl7.fhir.r5.model.Patient());
        encode(new org.hl7.fhir.r5.model.Provenance());
    }
}
