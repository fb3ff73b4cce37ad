package org.mfc.fhir.core.fhir;

import java.time.Instant;
import java.util.Date;
import java.util.Locale;

import org.bson.Document;

/**
 * The storage shape of a FHIR resource in the FHIR database (fhir-r5-mapping.md section 5), compatible with what
 * the old system wrote: the R5 JSON under {@code resource_data} plus flat fields for indexes and queries.
 */
public final class FhirEnvelope {

    public static final String FHIR_VERSION = "5.0.0";

    private FhirEnvelope() {
    }

    /** The collection of a resource type: {@code Observation} to {@code fhir_observations}. */
    public static String collection(String resourceType) {
        return switch (resourceType) {
            case "Provenance" -> "fhir_provenance";
            case "AllergyIntolerance" -> "fhir_allergies";
            case "MedicationStatement", "Medication" -> "fhir_medications";
            default -> "fhir_" + resourceType.toLowerCase(Locale.ROOT) + "s";
        };
    }

    /**
     * @param sourceSystem    {@code ingest-api}, {@code fhir-parser-worker} or {@code fhir-migrator}
     * @param sourceMessageId the ingest id (or migration source id) the resource came from
     */
    public static Document wrap(MappedResource mapped, Instant recordedAt, String sourceSystem,
            String sourceMessageId) {
        Document doc = new Document("_id", mapped.id())
                .append("resource_type", mapped.resourceType())
                .append("resource_id", mapped.id())
                .append("fhir_version", FHIR_VERSION)
                .append("resource_data", Document.parse(FhirJson.encode(mapped.resource())));
        if (mapped.patientId() != null) {
            doc.append("patient_id", mapped.patientId());
        }
        if (mapped.deviceId() != null) {
            doc.append("device_id", mapped.deviceId());
        }
        if (mapped.code() != null) {
            doc.append("code", mapped.code());
        }
        if (mapped.effectiveTime() != null) {
            doc.append("effective_datetime", Date.from(mapped.effectiveTime()));
        }
        Date recorded = Date.from(recordedAt);
        doc.append("recorded_datetime", recorded)
                .append("status", "Observation".equals(mapped.resourceType()) ? "final" : "active")
                .append("source_system", sourceSystem)
                .append("source_message_id", sourceMessageId)
                .append("is_deleted", false)
                .append("created_at", recorded)
                .append("updated_at", recorded);
        return doc;
    }
}
