package org.mfc.fhir.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;
import org.mfc.fhir.core.host.auth.Scopes;
import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.model.Stage;
import org.mfc.fhir.core.process.ParkedReprocessor;
import org.mfc.fhir.core.process.Pipeline;
import org.mfc.fhir.core.process.RecordOutcome;
import org.mfc.fhir.core.store.ParkedReadingStore;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

/**
 * Operator endpoints (bearer token with the scope {@code admin}, like the ingest API's): parked readings (list,
 * re-process after a registry fix) and dead letters (list by stage and reason, replay with a filter or as a dry run).
 * Answers hold counts, reasons and device keys, never patient data or payloads.
 */
@Path("/admin")
@RolesAllowed(Scopes.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    private static final Logger LOG = Logger.getLogger(AdminResource.class);

    @Inject
    Pipeline pipeline;

    @Inject
    AlertPublisher alerts;

    @Inject
    DeadLetterPublisher deadLetters;

    @Inject
    DeadLetterReplayer replayer;

    @Inject
    DeadLetterBrowser browser;

    @Inject
    WorkerMetrics metrics;

    @Inject
    WorkerConfig config;

    /** Parked readings, oldest first: why (reason, stage) and which device; no payload. */
    @GET
    @Path("/parked")
    public Map<String, Object> parked(@QueryParam("limit") String limit, @Context UriInfo uri) {
        AdminParameters.only(uri, "limit");
        List<ParkedReadingStore.Summary> list = pipeline.parked().summaries(
                AdminParameters.limit("limit", limit, 100, 1000));
        long total = pipeline.parked().count();
        metrics.parked(total);
        return Map.of("total", total, "parked", list);
    }

    /**
     * Runs parked readings through the pipeline again (registry cache cleared first); those whose device is now
     * registered are stored and un-parked, those still unknown stay parked, those now invalid are dead-lettered.
     */
    @POST
    @Path("/parked/reprocess")
    public ParkedReprocessor.Report reprocess(@QueryParam("limit") String limit, @Context UriInfo uri) {
        AdminParameters.only(uri, "limit");
        // FHIR_PARKED_REPROCESS_LIMIT is the most one call handles (one batch in memory); limit can only lower it.
        ParkedReprocessor.Report report = pipeline.reprocessor().reprocess(AdminParameters.limit("limit", limit,
                config.reprocessLimit(), config.reprocessLimit()), alerts, this::deadLetter);
        metrics.reprocessed(report);
        metrics.parked(pipeline.parked().count());
        LOG.infof("parked re-process: examined=%d stored=%d alerted=%d still_parked=%d rejected=%d",
                report.examined(), report.stored(), report.alerted(), report.stillParked(), report.rejected());
        return report;
    }

    /**
     * Dead letters by stage and reason: counts over the retained topic and the newest {@code limit} matching ones
     * (headers only). {@code stage} is exact (any case), {@code reason} a part of the reason text (any case).
     */
    @GET
    @Path("/dead-letters")
    public DeadLetterBrowser.Listing deadLetters(@QueryParam("stage") String stage,
            @QueryParam("reason") String reason, @QueryParam("limit") String limit, @Context UriInfo uri) {
        AdminParameters.only(uri, "stage", "reason", "limit");
        return browser.list(new DeadLetterTopic.Filter(AdminParameters.stage("stage", stage), reason),
                AdminParameters.limit("limit", limit, 100, 1000));
    }

    /**
     * Re-publishes the dead letters not replayed yet that match {@code stage} and {@code reason} (both optional) to
     * the readings topic; {@code dry_run=true} only reports what would be re-published.
     */
    @POST
    @Path("/dead-letters/replay")
    public DeadLetterReplayer.Report replay(@QueryParam("stage") String stage, @QueryParam("reason") String reason,
            @Context UriInfo uri) throws Exception {
        AdminParameters.only(uri, "stage", "reason", "dry_run");
        // Read from the query itself: JAX-RS gives the same null for "?dry_run=" as for no dry_run at all.
        List<String> dryRun = uri.getQueryParameters().get("dry_run");
        return replayer.replay(new DeadLetterTopic.Filter(AdminParameters.stage("stage", stage), reason),
                AdminParameters.flag("dry_run", dryRun == null ? null
                        : dryRun.isEmpty() || dryRun.get(0) == null ? "" : dryRun.get(0), false));
    }

    private void deadLetter(List<RecordOutcome> rejected) {
        List<DeadLetterPublisher.DeadLetter> letters = new ArrayList<>();
        for (RecordOutcome o : rejected) {
            String value;
            try {
                value = Json.mapper().writeValueAsString(o.record());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("cannot serialise a parked record", e);
            }
            letters.add(new DeadLetterPublisher.DeadLetter(o.record().deviceKey(), value, o.stage(), o.reason(),
                    ParkedReadingStore.COLLECTION, -1, -1, o.record().ingestId()));
        }
        try {
            deadLetters.publishAll(letters);
        } catch (Exception e) {
            throw new IllegalStateException("dead-letter topic unavailable; parked readings kept", e);
        }
        rejected.forEach(o -> metrics.deadLetters(o.stage() == null ? Stage.MAP : o.stage(), 1));
    }
}
