package org.mfc.fhir.e2e;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.mfc.fhir.bench.AckAudit;
import org.mfc.fhir.bench.Ava4Fleet;

import com.mongodb.client.MongoClient;

/** {@link AckAudit} over the ledgers of fault runs ({@link LoadRun}) on the fault stack's databases. */
final class StoredAudit {

    private StoredAudit() {
    }

    static String observationId(Ava4Fleet fleet, long i) {
        return AckAudit.observationId(fleet, i);
    }

    static AckAudit.Verdict audit(MongoClient client, Ava4Fleet fleet, LoadRun run) {
        return audit(client, fleet, List.of(run));
    }

    /** One audit over several runs on the same fleet with disjoint index ranges (e.g. a backlog, then a trickle). */
    static AckAudit.Verdict audit(MongoClient client, Ava4Fleet fleet, List<LoadRun> runs) {
        Set<Long> acknowledged = new HashSet<>();
        Set<Long> unacknowledged = new HashSet<>();
        for (LoadRun run : runs) {
            acknowledged.addAll(run.acknowledged.keySet());
            unacknowledged.addAll(run.unacknowledged);
        }
        return AckAudit.audit(FaultStack.fhir(client), FaultStack.main(client), fleet, acknowledged, unacknowledged);
    }
}
