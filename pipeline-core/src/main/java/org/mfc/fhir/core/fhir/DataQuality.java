package org.mfc.fhir.core.fhir;

import org.hl7.fhir.r5.model.Coding;
import org.mfc.fhir.core.model.Systems;

/**
 * Data-quality flags, written as {@code meta.tag} codes of {@link Systems#DATA_QUALITY}: facts about how a value
 * reached us, never a clinical finding. Decision support reads {@code interpretation}; these stay out of it
 * (docs/decisions.md, "Flags that read as clinical findings").
 */
public enum DataQuality {
    /** Possible but above the plausible range of its kind: stored as measured. */
    IMPLAUSIBLE_HIGH("implausible-high", "Above the plausible range of the measurement; stored as measured"),
    /** Possible but below the plausible range of its kind: stored as measured. */
    IMPLAUSIBLE_LOW("implausible-low", "Below the plausible range of the measurement; stored as measured"),
    /** The item carried no time of its own: the effective time is the time of the message that carried it. */
    TIME_FROM_MESSAGE("time-from-message", "Effective time taken from the message; the measurement had none"),
    /** Received long after it was measured (a device that stored readings while offline, or a wrong clock). */
    DELAYED_REPORT("delayed-report", "Received long after the measurement time"),
    /** The measuring device is not tied to one patient: the reporting gateway's owner was taken. */
    PATIENT_FROM_GATEWAY("patient-from-gateway", "Patient attributed through the reporting gateway's owner"),
    /** A legacy value whose unit the entry does not state, told by its magnitude. */
    UNIT_BY_MAGNITUDE("unit-by-magnitude", "Legacy value whose unit was decided by its magnitude");

    public final String code;
    public final String display;

    DataQuality(String code, String display) {
        this.code = code;
        this.display = display;
    }

    Coding coding() {
        return new Coding(Systems.DATA_QUALITY, code, display);
    }
}
