package org.mfc.fhir.core.fhir;

import java.time.Instant;
import java.util.Date;
import java.util.Locale;

import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.conversions.Bson;
import org.hl7.fhir.r5.model.Observation;

/**
 * The storage shape of a FHIR resource in the FHIR database (fhir-r5-mapping.md section 5), compatible with what
 * the old system wrote: the R5 JSON under {@code resource_data} plus flat fields for indexes and queries. In the
 * envelope built here {@code resource_data} is already BSON ({@link FhirBson}, a {@code RawBsonDocument}): the driver
 * copies its bytes; documents read back from the database hold it as a {@link Document} as usual.
 */
public final class FhirEnvelope {

    public static final String FHIR_VERSION = "5.0.0";
    /**
     * Envelope field of resources that follow the registry (Patients, Devices, Organizations): a hash of the
     * resource, so a changed registry document replaces the stored resource and an unchanged one does not.
     */
    public static final String CONTENT_HASH = "content_hash";
    /**
     * Envelope field of a Device: how much the resource says about the device (name, type, manufacturer, model,
     * gateway), so a source that knows less never replaces one that knows more.
     */
    public static final String CONTENT_RANK = "content_rank";
    /** Envelope field of an Observation over a period (steps, sleep): the period's end, for finalising days. */
    public static final String PERIOD_END = "period_end";

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
        return wrap(mapped, FhirBson.encode(mapped.resource()), recordedAt, sourceSystem, sourceMessageId);
    }

    /**
     * As {@link #wrap(MappedResource, Instant, String, String)}, with the resource already encoded.
     *
     * @param resourceData the resource as BSON ({@link FhirBson#encode}), or any document of the same content
     */
    public static Document wrap(MappedResource mapped, Bson resourceData, Instant recordedAt, String sourceSystem,
            String sourceMessageId) {
        Document doc = new Document("_id", mapped.id())
                .append("resource_type", mapped.resourceType())
                .append("resource_id", mapped.id())
                .append("fhir_version", FHIR_VERSION)
                .append("resource_data", resourceData);
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
        String status = "active";
        if (mapped.resource() instanceof Observation o) {
            status = o.getStatus() == null ? "final" : o.getStatus().toCode();
            if (o.hasEffectivePeriod() && o.getEffectivePeriod().hasEnd()) {
                doc.append(PERIOD_END, o.getEffectivePeriod().getEnd());
            }
        } else if (!"Provenance".equals(mapped.resourceType()) && resourceData instanceof RawBsonDocument raw) {
            doc.append(CONTENT_HASH, contentHash(raw));
            if (mapped.resource() instanceof org.hl7.fhir.r5.model.Device d) {
                doc.append(CONTENT_RANK, (d.hasDisplayName() ? 1 : 0) + (d.hasType() ? 1 : 0)
                        + (d.hasManufacturer() ? 1 : 0) + (d.hasModelNumber() ? 1 : 0) + (d.hasGateway() ? 1 : 0));
            }
        }
        Date recorded = Date.from(recordedAt);
        doc.append("recorded_datetime", recorded)
                .append("status", status)
                .append(MappingVersion.FIELD, MappingVersion.CURRENT)
                .append("source_system", sourceSystem)
                .append("source_message_id", sourceMessageId)
                .append("is_deleted", false)
                .append("created_at", recorded)
                .append("updated_at", recorded);
        return doc;
    }

    /** 32 hex digits of SHA-256 over the resource's stored bytes. */
    static String contentHash(RawBsonDocument resourceData) {
        java.nio.ByteBuffer bytes = resourceData.getByteBuffer().asNIO();
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(copy),
                    0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }
}
