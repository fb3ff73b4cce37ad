package org.mfc.fhir.core.legacy;

import java.time.Instant;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.mfc.fhir.core.model.MeasurementKind;

/**
 * One entry for a legacy history bucket, already in the legacy field names.
 *
 * @param entryId  the id of the Observation the entry corresponds to, stored in the entry as
 *                 {@value LegacyStore#ENTRY_ID_FIELD}: it makes appends idempotent and tells the migrator which
 *                 Observation an entry written by this pipeline already is
 * @param dateTag  bucket key of per-month kinds ({@code MM-YYYY}, Thai local month), else null
 */
public record LegacyEntry(MeasurementKind kind, ObjectId patientId, Instant deviceTime, String entryId,
        String dateTag, Document entry) {
}
