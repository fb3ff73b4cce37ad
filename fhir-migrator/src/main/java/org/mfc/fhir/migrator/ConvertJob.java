package org.mfc.fhir.migrator;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import org.bson.Document;
import org.jboss.logging.Logger;
import org.mfc.fhir.core.fhir.FhirEnvelope;
import org.mfc.fhir.core.fhir.FhirJson;
import org.mfc.fhir.core.fhir.MappedResource;
import org.mfc.fhir.core.legacy.EntryProblem;
import org.mfc.fhir.core.legacy.LegacyEntryReader;
import org.mfc.fhir.core.legacy.LegacyNames;
import org.mfc.fhir.core.migrate.MigratedReadingMapper;
import org.mfc.fhir.core.legacy.RejectReason;
import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.model.Reading;
import org.mfc.fhir.core.model.Stage;
import org.mfc.fhir.core.store.FhirStore;
import org.mfc.fhir.core.legacy.LegacyEntryMapper;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;

/**
 * {@code convert}: registry (hospitals, patients, boxes, devices, watches) and EVERY entry of every history bucket to
 * R5 resources in the FHIR database, through the live pipeline's mappers. Writes are insert-if-absent, keyed by
 * deterministic ids, and progress is checkpointed per source collection, so the job can be killed at any moment
 * and run again: it finishes with no duplicate and no gap, and a run after completion changes nothing.
 */
public final class ConvertJob {

    public static final String OP = "convert";
    /** The legacy-history pass of {@code rederive}: convert's writes, older versions of each entry superseded. */
    public static final String REDERIVE_OP = "rederive-history";
    public static final String SOURCE_SYSTEM = "fhir-migrator";
    /** Registry collections in processing order: Organizations and Patients before the Devices and Observations. */
    public static final List<String> REGISTRY = List.of(LegacyNames.HOSPITALS, LegacyNames.PATIENTS,
            LegacyNames.AMY_BOXES, LegacyNames.AMY_DEVICES, LegacyNames.WATCHES);

    private static final Logger LOG = Logger.getLogger(ConvertJob.class);
    private static final int DEVICE_MEMORY = 50_000;

    private final MongoDatabase main;
    private final MongoDatabase fhir;
    private final MigrationSettings settings;
    private final Clock clock;
    private final FhirStore store;
    private final Checkpoints checkpoints;
    private final RejectLog rejectLog;
    private final MigratedReadingMapper readings = new MigratedReadingMapper();
    /** Devices already written in this run: a device named by thousands of readings is mapped once. */
    private final Set<String> devicesWritten = java.util.Collections.newSetFromMap(Caffeine.newBuilder()
            .maximumSize(DEVICE_MEMORY).executor(Runnable::run).<String, Boolean>build().asMap());
    private Instant runStart;
    /** Where the time goes, for the report: mapping (CPU) against writing (database, summed over the writers). */
    private long mapNanos;
    private final LongAdder writeNanos = new LongAdder();

    private final String op;
    /** Re-derivation: what an older mapping stored for an entry, under other ids, is superseded. */
    private final boolean supersede;

    public ConvertJob(MongoClient client, MigrationSettings settings, Clock clock) {
        this(client, settings, clock, OP, false);
    }

    ConvertJob(MongoClient client, MigrationSettings settings, Clock clock, String op, boolean supersede) {
        this.op = op;
        this.supersede = supersede;
        this.main = client.getDatabase(settings.mainDb());
        this.fhir = client.getDatabase(settings.fhirDb());
        this.settings = settings;
        this.clock = clock;
        this.store = new FhirStore(fhir);
        this.checkpoints = new Checkpoints(fhir, settings.mainDb());
        this.rejectLog = new RejectLog(fhir);
    }

    /** @param restart forget the checkpoints and scan everything again (still inserts nothing twice) */
    public RunReport run(boolean restart) {
        runStart = clock.instant();
        RunReport report = new RunReport(op, runStart, settings.maxRejectShare());
        FhirJson.warmUp();
        store.ensureIndexes();
        if (restart) {
            checkpoints.reset(op);
        }
        long total = 0;
        for (String c : LegacyEntryReader.historyCollections()) {
            total += Math.max(0, HistoryPass.countEntries(main, c));
        }
        Progress progress = new Progress(op, total, settings.progressInterval(), clock);
        ForkJoinPool pool = new ForkJoinPool(settings.threads());
        try {
            RegistryPass registryPass = new RegistryPass(main, store, checkpoints, rejectLog, settings.batchSize(),
                    settings.writers(), runStart, op);
            for (String c : REGISTRY) {
                registryPass.run(c, report);
            }
            RegistryCache registry = new RegistryCache(main);
            HistoryPass pass = new HistoryPass(main, registry, new LegacyEntryReader(runStart), settings.batchSize(),
                    progress);
            for (String c : LegacyEntryReader.historyCollections()) {
                history(c, pass, pool, report);
            }
        } finally {
            pool.shutdown();
        }
        // The report keeps examples; the full list of rejects and warnings is in the FHIR database.
        report.details.append(RunReport.REJECTS_COLLECTION, settings.fhirDb() + "." + RejectLog.COLLECTION);
        report.finished = clock.instant();
        report.details.append("history_map_seconds", mapNanos / 1e9).append("history_write_seconds", writeNanos.sum() / 1e9)
                .append("threads", settings.threads()).append("batch_size", settings.batchSize());
        report.write(settings.reportDir());
        return report;
    }

    private void history(String collection, HistoryPass pass, ForkJoinPool pool, RunReport report) {
        Document cp = checkpoints.load(op, collection);
        Tally tally = Tally.fromDocument(cp == null ? null : cp.get("counts", Document.class));
        if (cp != null && cp.getBoolean("done", false)) {
            report.tally(collection).add(tally);
            return;
        }
        if (cp != null) {
            LOG.infof("%s %s %s resumes after bucket %s", Stage.MIGRATE, op, collection, cp.get("last_id"));
        }
        Object last = cp == null ? null : cp.get("last_id");
        try (CheckpointedBatches batches = new CheckpointedBatches(checkpoints, op, collection, last, tally,
                settings.writers())) {
            pass.run(collection, last, (c, batch) -> {
                long t0 = System.nanoTime();
                List<Document> envelopes = envelopes(batch, pool);
                mapNanos += System.nanoTime() - t0;
                batches.submit(batch.lastBucketId, batch.tally, () -> write(batch, envelopes));
            });
            batches.finish();
        }
        report.tally(collection).add(tally);
    }

    /** The writes of one batch, on the writer thread: resources, then the problems found while converting it. */
    private void write(HistoryPass.Batch batch, List<Document> envelopes) {
        long t1 = System.nanoTime();
        batch.tally.resources += envelopes.size();
        batch.tally.inserted += store.insertIfAbsent(FhirStore.byCollection(envelopes));
        if (supersede) {
            supersedeOlder(collection(batch), batch);
        }
        writeNanos.add(System.nanoTime() - t1);
        List<EntryProblem> missing = missingLive(batch.live);
        missing.forEach(batch.tally::warning);
        batch.warnings.addAll(missing);
        rejectLog.record(batch.rejects, false);
        rejectLog.record(batch.warnings, true);
    }

    private static String collection(HistoryPass.Batch batch) {
        return batch.rejects.isEmpty() && batch.readings.isEmpty() ? null : batch.readings.isEmpty()
                ? batch.rejects.get(0).collection() : batch.readings.get(0).reading().sourceRef().split("/")[0];
    }

    /**
     * What an older mapping stored for the batch's entries (found by their source, {@code legacy:<collection>/
     * <bucket>/<index>}) and this mapping gives another id, or refuses now, is superseded by what it gives.
     */
    private void supersedeOlder(String collection, HistoryPass.Batch batch) {
        if (collection == null || batch.bucketIds.isEmpty()) {
            return;
        }
        List<org.bson.conversions.Bson> prefixes = new ArrayList<>(batch.bucketIds.size());
        for (String bucket : batch.bucketIds) {
            prefixes.add(Filters.regex("source_message_id", "^" + java.util.regex.Pattern.quote("legacy:"
                    + collection + "/" + bucket + "/")));
        }
        org.mfc.fhir.migrator.rederive.Supersession supersessions = new org.mfc.fhir.migrator.rederive
                .Supersession(fhir, main, runStart);
        for (Document old : fhir.getCollection("fhir_observations").find(Filters.and(Filters.eq("source_system",
                SOURCE_SYSTEM), FhirStore.olderVersion(), Filters.ne("is_deleted", true), Filters.or(prefixes)))
                .projection(Projections.include("_id", "source_message_id", "code"))) {
            // Replaced by what the entry now gives for the same code, else by everything it gives (a unit that
            // changed code); by nothing when the entry is refused now.
            List<String[]> now = batch.idsBySource.getOrDefault(old.getString("source_message_id"), List.of());
            List<String> sameCode = now.stream().filter(m -> m[0].equals(old.getString("code"))).map(m -> m[1])
                    .toList();
            List<String> by = sameCode.isEmpty() ? now.stream().map(m -> m[1]).toList() : sameCode;
            batch.tally.superseded += supersessions.supersede(List.of(old.getString("_id")), by);
        }
    }

    /** What mapping one reading gave: its envelopes, or why it could not be mapped. */
    private record Mapped(List<Document> envelopes, EntryProblem failure) {
    }

    /**
     * Observations (and the Devices not written yet in this run), mapped and encoded on the pool.
     * A reading the mapper refuses becomes a reject of its entry; it never fails the batch.
     */
    private List<Document> envelopes(HistoryPass.Batch batch, ForkJoinPool pool) {
        List<HistoryPass.Pending> pending = batch.readings;
        List<Boolean> withDevices = new ArrayList<>(pending.size());
        for (HistoryPass.Pending p : pending) {
            withDevices.add(devicesWritten.add(p.reading().reading().device().key()
                    + (p.reading().reading().gateway() == null ? "" : "|" + p.reading().reading().gateway().key())));
        }
        Function<Integer, Mapped> map = i -> {
            HistoryPass.Pending p = pending.get(i);
            Reading r = p.reading().reading();
            try {
                List<MappedResource> resources = new ArrayList<>(readings.observations(p.reading(), p.patientId(),
                        runStart));
                if (withDevices.get(i)) {
                    resources.addAll(readings.devices(p.reading()));
                }
                List<Document> out = new ArrayList<>(resources.size());
                for (MappedResource m : resources) {
                    Document envelope = FhirEnvelope.wrap(m, runStart, SOURCE_SYSTEM,
                            "legacy:" + p.reading().sourceRef());
                    if (r.kind().aggregation == MeasurementKind.Aggregation.DAILY_MAXIMUM
                            && r.kind().code.equals(m.code())) {
                        // Same rule as the live pipeline: of several counts of one day, the highest is kept.
                        envelope.append(FhirStore.DAILY_MAXIMUM_FIELD,
                                LegacyEntryMapper.number(r.value(MeasurementKind.VALUE)));
                    }
                    out.add(envelope);
                }
                return new Mapped(out, null);
            } catch (RuntimeException e) {
                LOG.warnf("%s convert cannot map %s (%s): %s", Stage.MIGRATE, p.reading().sourceRef(), r.kind(),
                        e.getClass().getSimpleName());
                String[] at = p.reading().sourceRef().split("/");
                return new Mapped(List.of(), new EntryProblem(at[0], at[1], Integer.parseInt(at[2]), r.kind().name(),
                        null, RejectReason.MAPPING_FAILED.code));
            }
        };
        List<Mapped> mapped;
        try {
            mapped = pool.submit(() -> java.util.stream.IntStream.range(0, pending.size()).parallel().boxed()
                    .map(map).toList()).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while mapping", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
        List<Document> out = new ArrayList<>();
        for (int i = 0; i < mapped.size(); i++) {
            Mapped m = mapped.get(i);
            if (supersede) {
                List<String[]> ids = batch.idsBySource.computeIfAbsent("legacy:"
                        + pending.get(i).reading().sourceRef(), k -> new ArrayList<>());
                m.envelopes().stream().filter(d -> "Observation".equals(d.getString("resource_type")))
                        .forEach(d -> ids.add(new String[] {d.getString("code"), d.getString("_id")}));
            }
            out.addAll(m.envelopes());
            if (m.failure() != null) {
                batch.rejects.add(m.failure());
                batch.tally.reject(m.failure());
                batch.tally.rejectedEntries++;
            }
        }
        return out;
    }

    /** Live-written entries whose Observation is not in the FHIR database: reported, never re-created here. */
    private List<EntryProblem> missingLive(List<HistoryPass.Live> live) {
        if (live.isEmpty()) {
            return List.of();
        }
        Set<String> ids = new HashSet<>();
        live.forEach(l -> ids.add(l.observationId()));
        Set<Object> found = new HashSet<>();
        fhir.getCollection("fhir_observations").find(Filters.in("_id", ids)).projection(Projections.include("_id"))
                .forEach(d -> found.add(d.get("_id")));
        List<EntryProblem> out = new ArrayList<>();
        for (HistoryPass.Live l : live) {
            if (!found.contains(l.observationId())) {
                EntryProblem at = l.location();
                out.add(new EntryProblem(at.collection(), at.bucketId(), at.index(), null,
                        "fhir_observation_id", "live-observation-missing"));
            }
        }
        return out;
    }
}
