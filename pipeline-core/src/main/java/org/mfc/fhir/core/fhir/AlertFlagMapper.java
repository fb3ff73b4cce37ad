package org.mfc.fhir.core.fhir;

import org.hl7.fhir.r5.model.CodeableConcept;
import org.hl7.fhir.r5.model.Coding;
import org.hl7.fhir.r5.model.Flag;
import org.hl7.fhir.r5.model.Period;
import org.hl7.fhir.r5.model.Reference;
import org.mfc.fhir.core.ids.DeterministicIds;
import org.mfc.fhir.core.model.Systems;
import org.mfc.fhir.core.parse.AlertEvent;

/**
 * A watch alarm (SOS, fall) as an R5 {@code Flag} in the FHIR database (fhir-r5-mapping.md section 1, "SOS and fall
 * events ... may also be recorded in FHIR"): the durable record of an alarm in every configuration, also when the
 * legacy {@code emergency_alarm} collection is not written. Active, category safety, the watch as author, the
 * device's time as the start of the period. The id is the alert id, so a redelivered alarm lands on the same
 * document. Pure: no I/O.
 */
public final class AlertFlagMapper {

    static final String FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category";
    /** The project's alert types: {@code sos}, {@code fall_down} (the legacy {@code alert_type} values). */
    public static final String ALERT_TYPES = Systems.PROJECT_BASE + "/CodeSystem/alert-type";
    /** Alert ids: the de-duplication key published on the alert topic. */
    public static final String ALERT_ID = Systems.PROJECT_BASE + "/sid/alert-id";
    static final String SNOMED = "http://snomed.info/sct";

    /**
     * @param alertId   the alert's deterministic id (also its id on the alert topic)
     * @param patientId the legacy patient id (24 hex) the watch belongs to
     */
    public MappedResource map(AlertEvent event, String alertId, String patientId) {
        Flag flag = new Flag();
        flag.setId(alertId);
        flag.getMeta().addSecurity(new Coding(Systems.CONFIDENTIALITY, "N", "normal"));
        flag.addIdentifier().setSystem(ALERT_ID).setValue(alertId);
        flag.setStatus(Flag.FlagStatus.ACTIVE);
        flag.addCategory(new CodeableConcept(new Coding(FLAG_CATEGORY, "safety", "Safety")));
        CodeableConcept code = new CodeableConcept();
        boolean fall = "fall_down".equals(event.type());
        code.addCoding(ALERT_TYPES, event.type(), fall ? "Fall detected by wearable" : "SOS button pressed");
        if (fall) {
            code.addCoding(SNOMED, "1912002", "Fall");
        }
        code.setText(fall ? "Fall detected by the watch" : "SOS from the watch");
        flag.setCode(code);
        flag.setSubject(new Reference("Patient/" + patientId));
        flag.setPeriod(new Period().setStartElement(FhirJson.dateTime(event.time())));
        String deviceId = DeterministicIds.deviceId(event.device());
        flag.setAuthor(new Reference("Device/" + deviceId));
        return new MappedResource(flag, patientId, deviceId, null, event.time());
    }
}
