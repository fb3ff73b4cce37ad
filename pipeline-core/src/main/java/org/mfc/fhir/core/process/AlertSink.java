package org.mfc.fhir.core.process;

import java.util.List;

import org.mfc.fhir.core.parse.AlertNotice;

/**
 * Where alarms go first: the host publishes them to the alert topic and returns only when the broker acknowledged
 * them. {@link ReadingProcessor} calls it before it writes any ordinary reading of the batch, so an alarm is on the
 * alert topic ahead of the batch's readings (docs/decisions.md, "Alerts ahead of the backlog").
 */
@FunctionalInterface
public interface AlertSink {

    /** For hosts without an alert topic (the ingest API's synchronous fallback): alarms go to the database only. */
    AlertSink NONE = alerts -> {
    };

    /**
     * @throws org.mfc.fhir.core.store.TransientStoreException when the alert topic did not acknowledge: the batch is
     *         retried whole and uncommitted, so an alarm is never lost
     */
    void publish(List<AlertNotice> alerts);
}
