package org.mfc.fhir.core.process;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.mfc.fhir.core.legacy.PatientDirectory;
import org.mfc.fhir.core.parse.AlertNotice;
import org.mfc.fhir.core.store.ParkedReadingStore;

/**
 * Re-processes parked readings (unknown device at the time) after the registry was fixed: forgets cached
 * "unknown" answers, runs the parked messages through the same {@link ReadingProcessor}, and un-parks every
 * message that is no longer parked. Readings whose device is still unknown stay parked, with their new reason.
 */
public final class ParkedReprocessor {

    /** Counts of one run; {@code stillParked} counts the examined messages only. */
    public record Report(int examined, int stored, int alerted, int stillParked, int rejected, int nothingToStore) {
    }

    private final ParkedReadingStore parked;
    private final PatientDirectory directory;
    private final ReadingProcessor processor;

    public ParkedReprocessor(ParkedReadingStore parked, PatientDirectory directory, ReadingProcessor processor) {
        this.parked = parked;
        this.directory = directory;
        this.processor = processor;
    }

    /**
     * @param limit    most messages examined in this run (those tried longest ago first)
     * @param rejected receives the messages that now fail (bad data) before they are un-parked, so the host can
     *                 dead-letter them durably first
     */
    public Report reprocess(int limit, AlertSink alerts, Consumer<List<RecordOutcome>> rejected) {
        directory.invalidate();
        var records = parked.list(limit);
        if (records.isEmpty()) {
            return new Report(0, 0, 0, 0, 0, 0);
        }
        // Every alarm was published when it arrived, patient or not: only one whose patient is now known is worth
        // publishing again (it names the patient); the others would page responders once per reprocess call.
        AlertSink newlyResolved = notices -> {
            List<AlertNotice> resolved = notices.stream().filter(n -> n.patientId() != null).toList();
            if (!resolved.isEmpty()) {
                alerts.publish(resolved);
            }
        };
        BatchResult result = processor.process(records, newlyResolved);
        List<RecordOutcome> failed = new ArrayList<>();
        int stored = 0;
        int alerted = 0;
        int still = 0;
        int nothing = 0;
        for (RecordOutcome o : result.outcomes()) {
            switch (o.status()) {
                case STORED -> stored++;
                case ALERTED -> alerted++;
                case PARKED -> still++;
                case NOTHING_TO_STORE -> nothing++;
                case REJECTED -> failed.add(o);
            }
        }
        if (!failed.isEmpty()) {
            rejected.accept(failed);
        }
        for (RecordOutcome o : result.outcomes()) {
            if (o.status() != RecordOutcome.Status.PARKED) {
                parked.remove(o.record().messageId());
            }
        }
        return new Report(records.size(), stored, alerted, still, failed.size(), nothing);
    }
}
