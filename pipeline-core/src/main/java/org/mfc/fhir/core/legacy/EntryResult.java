package org.mfc.fhir.core.legacy;

import java.util.List;

/**
 * What one legacy history entry gives: readings to convert, rejects (readings or the whole entry not converted),
 * warnings (converted, but something was off), or, for an entry the live pipeline wrote, the id of the Observation
 * that already exists.
 */
public record EntryResult(List<MigratedReading> readings, List<EntryProblem> rejects, List<EntryProblem> warnings,
        String liveObservationId) {

    public static EntryResult live(String observationId) {
        return new EntryResult(List.of(), List.of(), List.of(), observationId);
    }

    public boolean isLive() {
        return liveObservationId != null;
    }
}
