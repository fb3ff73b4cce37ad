package org.mfc.fhir.core.legacy;

import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * Reads the legacy {@code patient_id} in every shape it occurs in (ObjectId, 24-hex string, {@code {"$oid": ...}}
 * object, the string {@code "unknown"}); the pipeline writes only ObjectId.
 */
public final class LegacyIds {

    private LegacyIds() {
    }

    /** The ObjectId, or null when the value names no patient. */
    public static ObjectId objectId(Object raw) {
        if (raw instanceof ObjectId id) {
            return id;
        }
        if (raw instanceof Document d) {
            return objectId(d.get("$oid"));
        }
        if (raw instanceof String s) {
            String t = s.strip();
            return ObjectId.isValid(t) ? new ObjectId(t) : null;
        }
        return null;
    }
}
