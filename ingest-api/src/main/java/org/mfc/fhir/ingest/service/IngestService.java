package org.mfc.fhir.ingest.service;

import org.mfc.fhir.ingest.metrics.IngestMetrics;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;
import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.FieldProblem;
import org.mfc.fhir.core.model.Stage;
import org.mfc.fhir.core.parse.MessageClass;
import org.mfc.fhir.core.parse.ParseResult;
import org.mfc.fhir.core.process.BatchResult;
import org.mfc.fhir.core.process.Pipeline;
import org.mfc.fhir.core.process.RecordOutcome;
import org.mfc.fhir.core.store.MongoErrors;
import org.mfc.fhir.core.store.TransientStoreException;
import org.mfc.fhir.ingest.config.IngestConfig;
import org.mfc.fhir.ingest.publish.PublishFailures;
import org.mfc.fhir.ingest.publish.ReadingPublisher;
import org.mfc.fhir.ingest.problem.ProblemException;
import org.mfc.fhir.ingest.security.Caller;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.MongoException;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;

import io.smallrye.mutiny.infrastructure.Infrastructure;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * RECEIVE, VALIDATE, PUBLISH: a request is parsed with the same parser the worker uses; its invalid messages and
 * items are refused and listed, the valid ones published and answered only after the broker acknowledged them
 * (refused whole, nothing published, when nothing in it is valid). When publishing is off or fails, the same
 * messages are stored synchronously through the shared pipeline; when that fails too the client is told to retry
 * (503), so a 2xx always means durable.
 */
@ApplicationScoped
public class IngestService {

    private static final Logger LOG = Logger.getLogger(IngestService.class);
    private static final int RETRY_AFTER_SECONDS = 5;
    private static final long OVERLOAD_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    @Inject
    Pipeline pipeline;

    @Inject
    ReadingPublisher publisher;

    @Inject
    IngestConfig config;

    @Inject
    IngestMetrics metrics;

    @Inject
    RecentIngests recent;

    private SynchronousStore syncStore;
    /** When the last WARN about a full synchronous queue was written. */
    private final AtomicLong lastOverloadLog = new AtomicLong(System.nanoTime() - OVERLOAD_LOG_INTERVAL_NANOS - 1);

    @PostConstruct
    void createSyncStore() {
        syncStore = new SynchronousStore((records, parsed) -> {
            metrics.syncBatch(records.size());
            return parkOwedLegacyWrites(pipeline.processor().process(records, parsed), parsed);
        }, Infrastructure.getDefaultWorkerPool(), config.syncConcurrency(), config.syncMaxBatchRecords(),
                config.syncMaxQueuedRecords());
        metrics.syncQueue(syncStore::queuedRecords);
    }

    /**
     * A message whose FHIR resources were stored but whose legacy entry could not be written (a legacy bucket of the
     * wrong shape) is the worker's dead letter of stage LEGACY. Here, where the broker may be what is missing, it is
     * parked at stage LEGACY instead, and answered as stored: the FHIR database holds the reading, and the worker's
     * reprocess writes the entry still owed once the bucket is repaired (or dead-letters it if it still fails). A
     * database that cannot take the parking fails the batch like any outage (503, nothing acknowledged). Readings
     * only: an alarm's legacy record is written before its Flag, so an alarm refused there has nothing stored.
     */
    private BatchResult parkOwedLegacyWrites(BatchResult result, List<ParseResult> parsed) {
        List<RecordOutcome> outcomes = null;
        for (int i = 0; i < result.outcomes().size(); i++) {
            RecordOutcome o = result.outcomes().get(i);
            if (o.status() == RecordOutcome.Status.REJECTED && o.stage() == Stage.LEGACY
                    && parsed.get(i).messageClass() == MessageClass.READINGS) {
                pipeline.parked().park(o.record(), Stage.LEGACY, "FHIR resources stored, legacy entry owed: "
                        + o.reason(), Instant.now());
                if (outcomes == null) {
                    outcomes = new ArrayList<>(result.outcomes());
                }
                outcomes.set(i, new RecordOutcome(o.record(), RecordOutcome.Status.STORED, Stage.LEGACY, o.reason(),
                        storedObservations(o.record().ingestId())));
            }
        }
        return outcomes == null ? result : new BatchResult(outcomes, result.newDocuments(), result.mapTime(),
                result.persistTime(), result.storedAt(), result.deviceTimes(), result.alerts());
    }

    /** The Observations stored under {@code ingestId}, as references. */
    private List<String> storedObservations(String ingestId) {
        return MongoErrors.call("read stored Observations", () -> {
            List<String> ids = new ArrayList<>();
            pipeline.fhirStore().database().getCollection("fhir_observations")
                    .find(Filters.eq("source_message_id", ingestId)).projection(Projections.include("_id"))
                    .limit(1_000).forEach(d -> ids.add("Observation/" + d.get("_id")));
            return ids;
        });
    }

    /**
     * Validates, authorises per device, then queues or stores one request. Throws {@link ProblemException} at once
     * for a refused request (nothing is published or stored then). The answer completes when the broker acknowledged
     * every message (202), or, when publishing is off or failed, when the synchronous storage finished (201); it
     * fails with a 503 problem when both failed. The calling thread never waits: the broker's acknowledgement
     * completes the answer, and synchronous storage runs on the worker pool.
     */
    public CompletionStage<IngestResult> accept(DeviceFamily family, String topic, byte[] body, Caller caller,
            String requestId) {
        return enqueue(validate(family, topic, body, caller, requestId));
    }

    /**
     * The second half of {@link #accept}, for a transport that acts between validation and queueing (the MQTT
     * ingress applies its per-device rate limit to the validated device keys): queues or stores {@code accepted}
     * exactly as {@code accept} does.
     */
    public CompletionStage<IngestResult> enqueue(Accepted accepted) {
        CompletionStage<IngestResult> answer = config.asyncEnabled() ? queue(accepted) : storeOnWorker(accepted);
        boolean nothingToStore = accepted.parsed().stream().allMatch(p -> p.messageClass()
                == MessageClass.DEVICE_STATUS || p.messageClass() == MessageClass.COMMAND_STATUS);
        return answer.thenApply(result -> {
            recent.remember(result, nothingToStore);
            return result;
        });
    }

    /**
     * VALIDATE and the record encoding of one request, publishing and storing nothing: the start-up rehearsal of the
     * request path ({@link HotPathWarmup}). Throws like {@link #accept} for an invalid request.
     */
    public IngestResult rehearse(DeviceFamily family, String topic, byte[] body, Caller caller)
            throws JsonProcessingException {
        Accepted a = validate(family, topic, body, caller, null);
        for (IngestRecord record : a.records()) {
            ReadingPublisher.encode(record);
        }
        return new IngestResult(a.ingestId(), "queued", a.records().size(), a.readings(), config.topic(),
                a.receivedAt().toString(), null, null);
    }

    /**
     * A request that passed validation: its records, ready to publish or store, their parse results (the
     * synchronous path stores from those instead of parsing every message a second time), and the items refused
     * beside them.
     */
    public record Accepted(String ingestId, List<IngestRecord> records, List<ParseResult> parsed, int readings,
            Instant receivedAt, String requestId, List<IngestResult.RefusedItem> refused) {

        /** Nothing refused beside the records. */
        public Accepted(String ingestId, List<IngestRecord> records, List<ParseResult> parsed, int readings,
                Instant receivedAt, String requestId) {
            this(ingestId, records, parsed, readings, receivedAt, requestId, List.of());
        }
    }

    /**
     * The first half of {@link #accept}. Every message is parsed; a message of a batch (array) that is invalid, and
     * an item of a multi-item message (an AVA4 {@code device_list} entry, a Kati {@code AP55} entry) that is
     * invalid, is refused alone and listed with its fields; the valid ones are accepted. Only when nothing is
     * acceptable is the whole request refused ({@link ProblemException}, 422), as a single invalid message is
     * (README, "Per-item answers"); nothing is published or stored then.
     */
    public Accepted validate(DeviceFamily family, String topic, byte[] body, Caller caller, String requestId) {
        Instant receivedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<JsonNode> messages = messages(read(body));
        boolean batch = messages.size() > 1 || isArray(body);
        String ingestId = UUID.randomUUID().toString();
        List<IngestRecord> records = new ArrayList<>(messages.size());
        List<ParseResult> results = new ArrayList<>(messages.size());
        List<FieldProblem> problems = new ArrayList<>();
        List<IngestResult.RefusedItem> refused = new ArrayList<>();
        int readings = 0;
        for (int i = 0; i < messages.size(); i++) {
            ParseResult parsed = pipeline.parsers().parse(family, messages.get(i), topic, receivedAt);
            String prefix = batch ? "[" + i + "]." : "";
            List<FieldProblem> messageProblems = new ArrayList<>();
            parsed.problems().forEach(p -> messageProblems.add(new FieldProblem(prefix + p.field(), p.reason())));
            if (!parsed.valid() && messageProblems.isEmpty()) {
                messageProblems.add(new FieldProblem(prefix + "$", "is not a valid " + family + " message"));
            }
            if (!parsed.valid()) {
                problems.addAll(messageProblems);
                if (batch) {
                    refused.add(IngestResult.RefusedItem.of("[" + i + "]", messageProblems));
                }
                continue;
            }
            if (!caller.mayPostFor(parsed.source())) {
                throw ProblemException.deviceNotAllowed(prefix + deviceField(family), parsed.source().key());
            }
            for (ParseResult.RefusedItem item : parsed.refusedItems()) {
                List<FieldProblem> itemProblems = new ArrayList<>();
                item.problems().forEach(p -> itemProblems.add(new FieldProblem(prefix + p.field(), p.reason())));
                refused.add(IngestResult.RefusedItem.of(prefix + item.item(), itemProblems));
            }
            readings += parsed.readings().size();
            records.add(new IngestRecord(ingestId, i, family, topic, parsed.source().key(), caller.subject(),
                    receivedAt.toString(), messages.get(i), caller.bound()));
            results.add(parsed);
        }
        if (records.isEmpty()) {
            throw ProblemException.invalid(problems);
        }
        return new Accepted(ingestId, records, results, readings, receivedAt, requestId,
                IngestResult.RefusedItem.bounded(refused));
    }

    /** The field that names the reporting device in each family's payload, for a device-binding refusal. */
    private static String deviceField(DeviceFamily family) {
        return switch (family) {
            case AVA4, QUBE_VITAL -> "mac";
            case KATI -> "IMEI";
            case GENERIC -> "device_id";
        };
    }

    /**
     * 202 once the broker acknowledged every record; on a refusal or timeout, or at once while the broker is known
     * to be unavailable (the publishing circuit), synchronous storage instead.
     */
    private CompletionStage<IngestResult> queue(Accepted a) {
        long start = System.nanoTime();
        return publisher.publish(a.records())
                .orTimeout(config.publishTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .handle((acked, failure) -> {
                    if (failure == null) {
                        metrics.publishLatency(Duration.ofNanos(System.nanoTime() - start));
                        return CompletableFuture.completedFuture(new IngestResult(a.ingestId(), "queued",
                                a.records().size(), a.readings(), config.topic(), a.receivedAt().toString(), null,
                                a.requestId(), a.refused()));
                    }
                    String reason = PublishFailures.reason(failure);
                    metrics.syncFallback(reason);
                    if (PublishFailures.waited(reason)) {
                        LOG.warnf("publish to %s failed (%s: %s); storing synchronously", config.topic(), reason,
                                PublishFailures.describe(failure));
                    }
                    return storeOnWorker(a);
                })
                .thenCompose(stage -> stage);
    }

    /**
     * Synchronous storage through the shared pipeline, on the worker pool (it talks to MongoDB), together with the
     * requests stored at the same moment ({@link SynchronousStore}: one batch, one bulk write per collection).
     */
    private CompletionStage<IngestResult> storeOnWorker(Accepted a) {
        return syncStore.store(a.records(), a.parsed()).handle((stored, failure) -> {
            if (failure != null) {
                throw storageFailure(PublishFailures.unwrap(failure));
            }
            return answer(a, stored.outcomes());
        });
    }

    /**
     * A 503 for a database that is away or a full synchronous queue; any other failure as it is. A full queue refuses
     * many requests a second: it is logged as a WARN at most once per {@link #OVERLOAD_LOG_INTERVAL_NANOS}, the rest
     * at DEBUG ({@code ingest_sync_queued_records} and {@code ingest_requests_total} count them all).
     */
    private RuntimeException storageFailure(Throwable failure) {
        if (failure instanceof SynchronousStore.Overloaded) {
            long now = System.nanoTime();
            long last = lastOverloadLog.get();
            if (now - last > OVERLOAD_LOG_INTERVAL_NANOS && lastOverloadLog.compareAndSet(last, now)) {
                LOG.warnf("synchronous storage is full (%s): answering 503 until it drains", failure.getMessage());
            } else {
                LOG.debugf("synchronous storage is full (%s): answering 503", failure.getMessage());
            }
            return ProblemException.unavailable("too many readings are waiting to be stored; retry later",
                    RETRY_AFTER_SECONDS);
        }
        if (failure instanceof TransientStoreException || failure instanceof MongoException) {
            LOG.errorf("synchronous storage failed (%s): answering 503", failure.getClass().getSimpleName());
            return ProblemException.unavailable("the queue and the database are both unavailable; retry later",
                    RETRY_AFTER_SECONDS);
        }
        return failure instanceof RuntimeException r ? r : new CompletionException(failure);
    }

    /** The answer to one request from its records' outcomes (in the order of its records). */
    private static IngestResult answer(Accepted a, List<RecordOutcome> outcomes) {
        List<FieldProblem> rejected = new ArrayList<>();
        java.util.Set<String> ids = new java.util.LinkedHashSet<>();
        boolean parked = false;
        for (RecordOutcome o : outcomes) {
            switch (o.status()) {
                case REJECTED -> rejected.add(new FieldProblem("[" + o.record().seq() + "]", o.reason()));
                case PARKED -> parked = true;
                default -> ids.addAll(o.resourceIds());
            }
        }
        if (rejected.size() == outcomes.size()) {
            throw ProblemException.invalid(rejected);
        }
        // Messages the mapping refused beside stored ones are refused items too, never a 4xx for the stored ones.
        List<IngestResult.RefusedItem> refused = new ArrayList<>(a.refused());
        rejected.forEach(p -> refused.add(IngestResult.RefusedItem.of(p.field(), List.of(p))));
        return new IngestResult(a.ingestId(), parked ? "parked" : "stored", a.records().size(), a.readings(), null,
                a.receivedAt().toString(), List.copyOf(ids), a.requestId(), refused);
    }

    private List<JsonNode> messages(JsonNode root) {
        if (!root.isArray()) {
            return List.of(root);
        }
        if (root.isEmpty()) {
            throw ProblemException.invalid(List.of(new FieldProblem("$", "a batch must hold at least one message")));
        }
        if (root.size() > config.maxBatchMessages()) {
            throw ProblemException.invalid(List.of(new FieldProblem("$", "a batch holds at most "
                    + config.maxBatchMessages() + " messages")));
        }
        List<JsonNode> out = new ArrayList<>(root.size());
        root.forEach(out::add);
        return out;
    }

    private static JsonNode read(byte[] body) {
        if (body == null || body.length == 0) {
            throw ProblemException.malformedJson("the request body is empty");
        }
        try {
            JsonNode node = Json.mapper().readTree(body);
            if (node == null || !(node.isObject() || node.isArray())) {
                throw ProblemException.malformedJson("the body must be a JSON object or an array of objects");
            }
            return node;
        } catch (JsonProcessingException e) {
            // Only the position: the parser's message quotes the offending text, which may be patient data.
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw ProblemException.malformedJson("the body is not valid JSON" + where);
        } catch (IOException e) {
            throw ProblemException.malformedJson("the body could not be read");
        }
    }

    private static boolean isArray(byte[] body) {
        for (byte b : body) {
            if (!Character.isWhitespace(b)) {
                return b == '[';
            }
        }
        return false;
    }

}
