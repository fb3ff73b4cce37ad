package org.mfc.fhir.ingest.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.bson.Document;
import org.mfc.fhir.core.process.Pipeline;
import org.mfc.fhir.core.store.ParkedReadingStore;
import org.mfc.fhir.ingest.problem.ProblemException;
import org.mfc.fhir.ingest.service.IngestResult;
import org.mfc.fhir.ingest.service.RecentIngests;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Answers "what became of this ingest id" from the FHIR database, the parked store, the dead-letter topic and this
 * instance's memory.
 */
@ApplicationScoped
public class IngestStatusService {

    private static final int MAX_IDS = 1000;

    @Inject
    Pipeline pipeline;

    @Inject
    RecentIngests recent;

    @Inject
    DeadLetterLookup deadLetters;

    public IngestStatus status(String ingestId) {
        MongoDatabase fhir = pipeline.fhirStore().database();
        List<String> ids = new ArrayList<>();
        for (Document d : fhir.getCollection("fhir_observations").find(Filters.eq("source_message_id", ingestId))
                .projection(Projections.include("_id")).limit(MAX_IDS)) {
            ids.add("Observation/" + d.get("_id"));
        }
        if (ids.isEmpty()) {
            // A reading sent again under a new ingest id finds its Observations stored by the first (first write
            // wins, so they carry the first id); its message's Provenance carries this id and names them.
            for (Document d : fhir.getCollection("fhir_provenance").find(Filters.eq("source_message_id", ingestId))
                    .projection(Projections.include("resource_data.target")).limit(MAX_IDS)) {
                Document data = d.get("resource_data", Document.class);
                for (Document target : data == null ? List.<Document>of() : data.getList("target", Document.class,
                        List.of())) {
                    String reference = target.getString("reference");
                    if (reference != null && ids.size() < MAX_IDS && !ids.contains(reference)) {
                        ids.add(reference);
                    }
                }
            }
        }
        // An alarm leaves a Flag, not an Observation.
        for (Document d : fhir.getCollection("fhir_flags").find(Filters.eq("source_message_id", ingestId))
                .projection(Projections.include("_id")).limit(MAX_IDS)) {
            ids.add("Flag/" + d.get("_id"));
        }
        List<IngestStatus.Parked> parked = new ArrayList<>();
        for (Document d : fhir.getCollection(ParkedReadingStore.COLLECTION).find(Filters.eq("ingest_id", ingestId))
                .projection(Projections.include("_id", "stage", "reason")).limit(MAX_IDS)) {
            parked.add(new IngestStatus.Parked(String.valueOf(d.get("_id")), d.getString("stage"),
                    d.getString("reason")));
        }
        Optional<RecentIngests.Entry> entry = recent.entry(ingestId);
        Optional<IngestResult> accepted = entry.map(RecentIngests.Entry::answer);
        DeadLetterLookup.Result letters = deadLetters.find(ingestId);
        String status;
        if (!ids.isEmpty()) {
            status = "stored";
        } else if (!parked.isEmpty()) {
            status = "parked";
        } else if (!letters.letters().isEmpty()) {
            status = "dead_lettered";
        } else if (accepted.isPresent()) {
            // A heartbeat or a command result holds no reading: done once answered, not waiting in the queue.
            status = entry.get().nothingToStore() ? "nothing_to_store" : accepted.get().status();
        } else {
            throw ProblemException.notFound("no stored, parked, dead-lettered or recently accepted request has this"
                    + " ingest id" + (letters.complete() ? "" : " (the dead-letter topic could not be read in time)"));
        }
        return new IngestStatus(ingestId, status, ids.isEmpty() ? null : ids, parked.isEmpty() ? null : parked,
                letters.letters().isEmpty() ? null : letters.letters(), letters.complete(), accepted.orElse(null));
    }
}
