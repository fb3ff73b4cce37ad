package org.mfc.fhir.core.migrate;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.bson.Document;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;
import org.bson.types.ObjectId;
import org.mfc.fhir.core.fhir.FhirEnvelope;
import org.mfc.fhir.core.ids.DeterministicIds;
import org.mfc.fhir.core.legacy.LegacyValues;

/**
 * "Phase 0": the FHIR documents the old system left in the main database, in the shape they get in the FHIR
 * database. Old-envelope documents keep their {@code _id} and content; raw, un-wrapped resources (an older code path
 * stored bare Observations) are wrapped in the envelope with {@code _id} = the resource id. Both get
 * {@code migrated_from} (source database, collection and {@code _id}), which makes a move traceable and reversible.
 * The conversion is deterministic (no clock), so a content checksum over source and target can be compared.
 */
public final class LegacyFhirDocuments {

    /** The FHIR collections the old system wrote (legacy-db.md section 4). */
    public static final List<String> COLLECTIONS = List.of("fhir_patients", "fhir_observations", "fhir_devices",
            "fhir_organizations", "fhir_locations", "fhir_conditions", "fhir_medications", "fhir_allergies",
            "fhir_encounters", "fhir_provenance");

    public static final String MIGRATED_FROM = org.mfc.fhir.core.store.FhirStore.MIGRATED_FROM;
    public static final String RAW_SOURCE_SYSTEM = "legacy-raw-fhir";

    private static final JsonWriterSettings CANONICAL = JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED)
            .build();

    /** Shape of a source document. */
    public enum Shape { ENVELOPE, RAW, UNRECOGNISED }

    private LegacyFhirDocuments() {
    }

    public static Shape shape(Document doc) {
        if (doc.get("resource_data") instanceof Document && doc.get("resource_type") instanceof String) {
            return Shape.ENVELOPE;
        }
        if (doc.get("resourceType") instanceof String) {
            return Shape.RAW;
        }
        return Shape.UNRECOGNISED;
    }

    /** The document to store in the FHIR database, or null for an unrecognised shape. */
    public static Document toTarget(Document source, String sourceDb, String sourceCollection) {
        Document from = new Document("db", sourceDb).append("collection", sourceCollection)
                .append("_id", source.get("_id"));
        return switch (shape(source)) {
            case ENVELOPE -> {
                Document copy = new Document(source);
                copy.put(MIGRATED_FROM, from);
                yield copy;
            }
            case RAW -> wrapRaw(source).append(MIGRATED_FROM, from);
            case UNRECOGNISED -> null;
        };
    }

    private static Document wrapRaw(Document raw) {
        Document resource = new Document(raw);
        Object sourceId = resource.remove("_id");
        String id = LegacyValues.text(resource.get("id"));
        if (id == null) {
            id = sourceId instanceof ObjectId oid ? oid.toHexString() : String.valueOf(sourceId);
            resource.put("id", id);
        }
        String type = resource.getString("resourceType");
        Document env = new Document("_id", id).append("resource_type", type).append("resource_id", id)
                .append("fhir_version", FhirEnvelope.FHIR_VERSION).append("resource_data", resource);
        String patient = referenceId(resource.get("subject"), "Patient/");
        if (patient != null) {
            env.append("patient_id", patient);
        }
        String device = referenceId(resource.get("device"), "Device/");
        if (device != null) {
            env.append("device_id", device);
        }
        String code = firstCode(resource.get("code"));
        if (code != null) {
            env.append("code", code);
        }
        Instant effective = LegacyValues.instant(resource.get("effectiveDateTime"));
        if (effective != null) {
            env.append("effective_datetime", Date.from(effective));
        }
        String status = LegacyValues.text(resource.get("status"));
        env.append("status", status == null ? "unknown" : status).append("source_system", RAW_SOURCE_SYSTEM)
                .append("is_deleted", false);
        if (sourceId instanceof ObjectId oid) {
            env.append("created_at", oid.getDate()).append("updated_at", oid.getDate());
        }
        return env;
    }

    private static String referenceId(Object ref, String prefix) {
        if (ref instanceof Document d) {
            String r = LegacyValues.text(d.get("reference"));
            if (r != null) {
                return r.startsWith(prefix) ? r.substring(prefix.length()) : r;
            }
        }
        return null;
    }

    private static String firstCode(Object code) {
        if (code instanceof Document d && d.get("coding") instanceof List<?> codings && !codings.isEmpty()
                && codings.get(0) instanceof Document c) {
            return LegacyValues.text(c.get("code"));
        }
        return null;
    }

    /**
     * Content hash of a document, independent of field order: 64 bits of SHA-256 over canonical extended JSON with
     * keys sorted at every level. Collection checksums are the sum (mod 2^64) of these, so order does not matter.
     */
    public static long contentHash(Document doc) {
        String json = ((Document) canonical(doc)).toJson(CANONICAL);
        byte[] hex = java.util.HexFormat.of().parseHex(DeterministicIds.sha256Hex(json).substring(0, 16));
        return ByteBuffer.wrap(hex).getLong();
    }

    private static Object canonical(Object value) {
        if (value instanceof Map<?, ?> map) {
            TreeMap<String, Object> sorted = new TreeMap<>();
            map.forEach((k, v) -> sorted.put(String.valueOf(k), canonical(v)));
            return new Document(sorted);
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(canonical(v)));
            return out;
        }
        return value;
    }
}
