package org.mfc.fhir.migrator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.bson.Document;
import org.bson.conversions.Bson;
import org.jboss.logging.Logger;
import org.mfc.fhir.core.fhir.FhirJson;
import org.mfc.fhir.core.fhir.MappingVersion;
import org.mfc.fhir.core.legacy.LegacyEntryReader;
import org.mfc.fhir.core.messaging.KafkaClients;
import org.mfc.fhir.core.model.Stage;
import org.mfc.fhir.core.parse.DeviceTimeRule;
import org.mfc.fhir.core.parse.Parsers;
import org.mfc.fhir.core.store.FhirStore;
import org.mfc.fhir.core.legacy.LegacyStore;
import org.mfc.fhir.migrator.rederive.LiveRederiver;
import org.mfc.fhir.migrator.rederive.TopicPass;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;

/**
 * {@code rederive}: rewrites what an older mapping version stored ({@link MappingVersion}) with the current one, so
 * no measurement stays stored wrong or ends up stored twice (docs/decisions.md, "Mapping version and
 * re-derivation"). Three passes, each resumable and idempotent:
 * <ol>
 * <li>history: {@code convert} again with the current mapping (checkpoints {@code rederive-history/*}); the
 * Observations an older mapping stored for an entry under other ids are superseded;</li>
 * <li>topic: every message still on the readings topic that an older mapping stored (its Provenance says what)
 * is mapped again; what it now gives replaces what was stored (consumer group {@code MIGRATION_REDERIVE_GROUP});</li>
 * <li>live entries: for a reading stored live that is no longer on the topic, its legacy entry is what is left:
 * read again and re-derived (checkpoints {@code rederive-live/*}).</li>
 * </ol>
 * Superseded Observations are kept with {@code is_deleted: true} and {@code superseded_by}; legacy entries are
 * replaced where they stand by the re-derived entry, in the legacy field's unit.
 */
public final class RederiveJob {

    public static final String OP = "rederive";
    static final String LIVE_OP = "rederive-live";
    static final String TOPIC_CHECKPOINT = "topic";

    private static final Logger LOG = Logger.getLogger(RederiveJob.class);

    /**
     * @param kafka           clients of the readings topic's cluster ({@code KAFKA_BOOTSTRAP_SERVERS} and the other
     *                        {@code KAFKA_*} settings); null, or no broker named, skips the topic
     * @param topic           the readings topic ({@code FHIR_QUEUE_NAME})
     * @param group           consumer group of the topic pass ({@code MIGRATION_REDERIVE_GROUP}): its committed
     *                        offsets are where a resumed run continues
     * @param legacyRouting   whether the live pipeline writes legacy entries ({@code ENABLE_LEGACY_ROUTING})
     * @param clockMaxAhead   the live pipeline's allowed device clock skew ({@code DEVICE_CLOCK_MAX_AHEAD})
     */
    public record Settings(KafkaClients kafka, String topic, String group, boolean legacyRouting,
            Duration clockMaxAhead) {
    }

    private final MongoClient client;
    private final MongoDatabase main;
    private final MongoDatabase fhir;
    private final MigrationSettings settings;
    private final Settings rederive;
    private final Clock clock;
    private final Checkpoints checkpoints;

    public RederiveJob(MongoClient client, MigrationSettings settings, Settings rederive, Clock clock) {
        this.client = client;
        this.main = client.getDatabase(settings.mainDb());
        this.fhir = client.getDatabase(settings.fhirDb());
        this.settings = settings;
        this.rederive = rederive;
        this.clock = clock;
        this.checkpoints = new Checkpoints(fhir, settings.mainDb());
    }

    /**
     * @param restart   forget the progress of an earlier run (checkpoints, topic position) and do everything again;
     *                  what is current is left as it is, so this only costs time
     * @param skipTopic leave the topic out (no broker reachable): live readings are re-derived from their legacy
     *                  entries instead
     */
    public RunReport run(boolean restart, boolean skipTopic) {
        Instant started = clock.instant();
        RunReport report = new RunReport(OP, started, settings.maxRejectShare());
        FhirJson.warmUp();
        new FhirStore(fhir).ensureIndexes();
        if (restart) {
            checkpoints.reset(OP);
            checkpoints.reset(LIVE_OP);
        }
        RunReport history = new ConvertJob(client, settings, clock, ConvertJob.REDERIVE_OP, true).run(restart);
        history.collections.forEach((c, t) -> report.tally(c).add(t));
        report.failures.addAll(history.failures);
        LiveRederiver live = new LiveRederiver(main, fhir, new Parsers(new DeviceTimeRule(rederive.clockMaxAhead())),
                rederive.legacyRouting(), started);

        LiveRederiver.Counts topic = new LiveRederiver.Counts();
        Document topicReport = new Document();
        Document cp = checkpoints.load(OP, TOPIC_CHECKPOINT);
        if (skipTopic || rederive.kafka() == null || !rederive.kafka().hasBrokers()) {
            topicReport.append("skipped", true);
        } else if (cp != null && cp.getBoolean("done", false)) {
            topicReport.append("done_before", true);
        } else {
            long[] read = new TopicPass(rederive.kafka(), rederive.topic(), rederive.group())
                    .run(restart, record -> live.record(record, topic));
            checkpoints.save(OP, TOPIC_CHECKPOINT, null, true, topic.toDocument());
            topicReport.append("records", read[0]).append("unreadable", read[1]);
        }
        topicReport.putAll(topic.toDocument());

        LiveRederiver.Counts entries = new LiveRederiver.Counts();
        RegistryCache registry = new RegistryCache(main);
        for (String collection : LegacyEntryReader.historyCollections()) {
            liveEntries(collection, registry, live, entries);
        }
        report.details.append("topic", topicReport).append("live_entries", entries.toDocument())
                .append("mapping_version", MappingVersion.CURRENT)
                .append("older_observations_left", fhir.getCollection("fhir_observations").countDocuments(
                        Filters.and(FhirStore.olderVersion(), Filters.ne("is_deleted", true))));
        report.finished = clock.instant();
        report.write(settings.reportDir());
        return report;
    }

    /** The entries the live pipeline appended to one collection, bucket by bucket, checkpointed. */
    private void liveEntries(String collection, RegistryCache registry, LiveRederiver live,
            LiveRederiver.Counts counts) {
        Document cp = checkpoints.load(LIVE_OP, collection);
        if (cp != null && cp.getBoolean("done", false)) {
            return;
        }
        Object last = cp == null ? null : cp.get("last_id");
        Bson filter = Filters.and(last == null ? new Document() : Filters.gt("_id", last),
                Filters.exists("data." + LegacyStore.ENTRY_ID_FIELD));
        int sinceSave = 0;
        try (MongoCursor<Document> cursor = main.getCollection(collection).find(filter).sort(Sorts.ascending("_id"))
                .iterator()) {
            while (cursor.hasNext()) {
                Document bucketDoc = cursor.next();
                LegacyEntryReader.Bucket bucket = registry.bucket(collection, bucketDoc);
                if (bucket.patientId() != null && bucketDoc.get("data") instanceof List<?> data) {
                    for (int i = 0; i < data.size(); i++) {
                        if (data.get(i) instanceof Document entry && entry.get(LegacyStore.ENTRY_ID_FIELD) != null) {
                            live.liveEntry(bucket, i, entry, counts);
                        }
                    }
                }
                last = bucketDoc.get("_id");
                if (++sinceSave >= 100) {
                    checkpoints.save(LIVE_OP, collection, last, false, counts.toDocument());
                    sinceSave = 0;
                }
            }
        }
        checkpoints.save(LIVE_OP, collection, last, true, counts.toDocument());
        LOG.debugf("%s rederive live entries of %s done", Stage.MIGRATE, collection);
    }
}
