package org.mfc.fhir.core.fhir;

import java.time.Instant;

import org.hl7.fhir.r5.model.Resource;

/**
 * A resource ready to store, with the envelope fields the FHIR database indexes (fhir-r5-mapping.md section 5).
 *
 * @param code          primary LOINC code (Observations), else null
 * @param effectiveTime the device's time of measurement (Observations), else null
 */
public record MappedResource(Resource resource, String patientId, String deviceId, String code,
        Instant effectiveTime) {

    public String id() {
        return resource.getIdElement().getIdPart();
    }

    public String resourceType() {
        return resource.fhirType();
    }
}
