package org.mfc.fhir.core.process;

import java.util.List;

import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.model.Stage;

/**
 * What became of one queued message. Data errors are values here, not exceptions: one bad message never sinks the
 * rest of its batch.
 *
 * @param stage       where it stopped (REJECTED, PARKED) or the last stage it passed (STORED)
 * @param reason      why it was rejected or parked; names fields and devices, never patient values
 * @param resourceIds ids of the Observations (and Devices) that hold it
 */
public record RecordOutcome(IngestRecord record, Status status, Stage stage, String reason,
        List<String> resourceIds) {

    public enum Status {
        /** Its resources and legacy entries are stored (or already were: a replay). */
        STORED,
        /** An alarm (SOS, fall): published to the alert topic and recorded in {@code emergency_alarm}. */
        ALERTED,
        /** Device status or a command result: accepted, nothing to store. */
        NOTHING_TO_STORE,
        /** The registry does not know the device yet: kept aside for re-processing. */
        PARKED,
        /** Cannot be processed as it is (bad data, unmappable): goes to the dead-letter topic. */
        REJECTED
    }

    static RecordOutcome rejected(IngestRecord record, Stage stage, String reason) {
        return new RecordOutcome(record, Status.REJECTED, stage, reason, List.of());
    }
}
