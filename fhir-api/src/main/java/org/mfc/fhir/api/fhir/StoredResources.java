package org.mfc.fhir.api.fhir;

import java.time.Instant;
import java.util.Date;

import org.bson.Document;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;
import org.hl7.fhir.r5.model.Resource;
import org.mfc.fhir.core.fhir.FhirJson;

import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;

/**
 * A stored envelope back to the R5 model: {@code resource_data} printed as plain JSON and parsed by HAPI. The
 * pipeline stores exactly HAPI's JSON, whose numbers come back as numbers; documents of other origins (the old
 * system's, moved by the migrator) may hold BSON dates, 64-bit integers or decimals, which are printed as FHIR
 * strings and numbers instead of extended JSON. Parsing is lenient: a stored element HAPI does not know is dropped
 * with a warning instead of failing the whole answer. {@code meta.lastUpdated} comes from the envelope.
 */
public final class StoredResources {

    private static final JsonWriterSettings PLAIN = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED)
            .dateTimeConverter((v, w) -> w.writeString(Instant.ofEpochMilli(v).toString()))
            .int64Converter((v, w) -> w.writeNumber(Long.toString(v)))
            .decimal128Converter((v, w) -> w.writeNumber(v.bigDecimalValue().toPlainString()))
            .objectIdConverter((v, w) -> w.writeString(v.toHexString()))
            .build();

    private StoredResources() {
    }

    public static Resource decode(Document envelope) {
        Document data = envelope.get("resource_data", Document.class);
        if (data == null) {
            throw new IllegalStateException("stored " + envelope.get("resource_type") + " has no resource_data");
        }
        IParser parser = FhirJson.context().newJsonParser().setParserErrorHandler(new LenientErrorHandler(false));
        Resource resource = (Resource) parser.parseResource(data.toJson(PLAIN));
        if (!resource.hasIdElement() || resource.getIdElement().isEmpty()) {
            resource.setId(String.valueOf(envelope.get("_id")));
        }
        resource.setId(resource.getIdElement().getIdPart());
        Date updated = envelope.getDate("updated_at");
        if (updated != null && !resource.getMeta().hasLastUpdated()) {
            resource.getMeta().setLastUpdated(updated);
        }
        return resource;
    }
}
