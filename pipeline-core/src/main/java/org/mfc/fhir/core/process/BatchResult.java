package org.mfc.fhir.core.process;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The outcome of each message of a batch, in input order, how many documents were new in the FHIR database, and
 * the timings and times the hosts turn into metrics.
 *
 * @param mapTime      time spent in PARSE, RESOLVE and MAP
 * @param persistTime  time spent in PERSIST and LEGACY
 * @param storedAt     when the batch's writes were acknowledged
 * @param deviceTimes  device times of the stored readings (freshness: stored minus device time)
 * @param alerts       alarms published and recorded
 */
public record BatchResult(List<RecordOutcome> outcomes, int newDocuments, Duration mapTime, Duration persistTime,
        Instant storedAt, List<Instant> deviceTimes, int alerts) {

    public long count(RecordOutcome.Status status) {
        return outcomes.stream().filter(o -> o.status() == status).count();
    }
}
