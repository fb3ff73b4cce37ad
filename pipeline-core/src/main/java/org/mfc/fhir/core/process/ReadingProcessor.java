package org.mfc.fhir.core.process;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.jboss.logging.Logger;
import org.mfc.fhir.core.fhir.AlertFlagMapper;
import org.mfc.fhir.core.fhir.DeviceMapper;
import org.mfc.fhir.core.fhir.FhirEnvelope;
import org.mfc.fhir.core.fhir.ImplausibleValueException;
import org.mfc.fhir.core.fhir.MappedResource;
import org.mfc.fhir.core.fhir.ObservationMapper;
import org.mfc.fhir.core.legacy.OrganizationMapper;
import org.mfc.fhir.core.legacy.PatientMapper;
import org.mfc.fhir.core.fhir.ProvenanceMapper;
import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.DeviceIdentity;
import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.model.Reading;
import org.mfc.fhir.core.model.Stage;
import org.mfc.fhir.core.parse.AlertEvent;
import org.mfc.fhir.core.parse.AlertNotice;
import org.mfc.fhir.core.parse.MessageClass;
import org.mfc.fhir.core.parse.ParseResult;
import org.mfc.fhir.core.legacy.EmergencyAlarmStore;
import org.mfc.fhir.core.store.ExpiringCache;
import org.mfc.fhir.core.store.FhirStore;
import org.mfc.fhir.core.legacy.LegacyEntry;
import org.mfc.fhir.core.legacy.LegacyEntryMapper;
import org.mfc.fhir.core.legacy.LegacyStore;
import org.mfc.fhir.core.store.MongoErrors;
import org.mfc.fhir.core.store.ParkedReadingStore;
import org.mfc.fhir.core.legacy.PatientDirectory;
import org.mfc.fhir.core.store.TransientStoreException;

/**
 * The pipeline's one implementation of "queued message to stored resources", used by the parser worker for each
 * batch and by the ingest API's synchronous fallback: PARSE, RESOLVE, MAP, PERSIST (FHIR database), LEGACY.
 * Alarms (SOS, fall) of the batch are handed to the {@link AlertSink} before any reading of the batch is written.
 * <p>
 * Data problems end as a {@link RecordOutcome} per message; a database outage throws
 * {@link TransientStoreException} for the whole batch, which the caller retries without acknowledging. Every write
 * is idempotent, so a retry after a partial write completes it without duplicates.
 */
public final class ReadingProcessor {

    private static final Logger LOG = Logger.getLogger(ReadingProcessor.class);

    /**
     * @param legacyRouting also write the legacy history collections ({@code ENABLE_LEGACY_ROUTING})
     * @param sourceSystem  {@code source_system} of stored documents
     */
    public record Options(boolean legacyRouting, String sourceSystem, java.time.Duration staleAfter) {

        public Options(boolean legacyRouting, String sourceSystem) {
            this(legacyRouting, sourceSystem, org.mfc.fhir.core.parse.DeviceTimeRule.DEFAULT_STALE_AFTER);
        }
    }

    /** What the parse of one message gave: the result, or the outcome that already ends it. */
    private record Parsed(IngestRecord record, ParseResult result, RecordOutcome rejected) {
    }

    /** The writes of one batch, filled message by message. */
    private static final class Writes {
        final List<Document> envelopes = new ArrayList<>();
        final List<LegacyEntry> entries = new ArrayList<>();
        final Set<ObjectId> patientIds = new LinkedHashSet<>();
        final List<Instant> deviceTimes = new ArrayList<>();
        final Set<String> deviceIds = new LinkedHashSet<>();
    }

    private final RecordParser parsers;
    private final PatientDirectory directory;
    private final FhirStore fhir;
    private final LegacyStore legacy;
    private final ParkedReadingStore parked;
    private final EmergencyAlarmStore alarms;
    private final Options options;
    private final Clock clock;
    private final ObservationMapper observations;
    private final DeviceMapper devices = new DeviceMapper();
    private final PatientMapper patients = new PatientMapper();
    private final OrganizationMapper organizations = new OrganizationMapper();
    private final ProvenanceMapper provenance = new ProvenanceMapper();
    private final AlertFlagMapper alertFlags = new AlertFlagMapper();
    private final Runnable beforeWrite;
    private final LegacyEntryMapper legacyEntries = new LegacyEntryMapper();
    /** Patients whose FHIR Patient was written recently: saves a registry read per batch. */
    private final ExpiringCache<ObjectId, Boolean> patientsWritten;
    /** Hospitals whose FHIR Organization was written recently, for the Patients that name them. */
    private final ExpiringCache<ObjectId, Boolean> organizationsWritten;
    /**
     * Devices whose FHIR Device was written recently: a Device is insert-if-absent and never changes, so encoding and
     * sending it again for every reading of the device is wasted work.
     */
    private final ExpiringCache<String, Boolean> devicesWritten;

    public ReadingProcessor(RecordParser parsers, PatientDirectory directory, FhirStore fhir, LegacyStore legacy,
            ParkedReadingStore parked, EmergencyAlarmStore alarms, Options options, Clock clock) {
        this(parsers, directory, fhir, legacy, parked, alarms, options, clock, () -> {
        });
    }

    /** @param beforeWrite runs before a batch writes anything (the indexes the writes rely on exist) */
    public ReadingProcessor(RecordParser parsers, PatientDirectory directory, FhirStore fhir, LegacyStore legacy,
            ParkedReadingStore parked, EmergencyAlarmStore alarms, Options options, Clock clock,
            Runnable beforeWrite) {
        this.beforeWrite = beforeWrite;
        this.parsers = parsers;
        this.directory = directory;
        this.fhir = fhir;
        this.legacy = legacy;
        this.parked = parked;
        this.alarms = alarms;
        this.options = options;
        this.clock = clock;
        this.observations = new ObservationMapper(options.staleAfter());
        this.patientsWritten = new ExpiringCache<>(10_000, Duration.ofMinutes(10), clock);
        this.organizationsWritten = new ExpiringCache<>(10_000, Duration.ofMinutes(10), clock);
        this.devicesWritten = new ExpiringCache<>(50_000, Duration.ofMinutes(10), clock);
    }

    /** Processes a batch without an alert topic: alarms are recorded in the database only. */
    public BatchResult process(List<IngestRecord> records) {
        return process(records, AlertSink.NONE);
    }

    /**
     * Processes a batch, isolating any message whose processing fails unexpectedly ({@link BatchIsolation}): such a
     * message ends REJECTED with the stage it failed in, the rest of the batch is stored. Throws
     * {@link TransientStoreException} only when the database or the alert topic is unavailable.
     */
    public BatchResult process(List<IngestRecord> records, AlertSink alertSink) {
        return BatchIsolation.process(records, batch -> processBatch(batch, alertSink, parsers));
    }

    /**
     * As {@link #process(List)}, for messages whose payloads the caller parsed already ({@code parsed}, in the order
     * of {@code records}): the ingest API validated them with the same parser, so they are not parsed again.
     */
    public BatchResult process(List<IngestRecord> records, List<ParseResult> parsed) {
        if (parsed.size() != records.size()) {
            throw new IllegalArgumentException("one parse result per record");
        }
        Map<IngestRecord, ParseResult> known = new IdentityHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            known.put(records.get(i), parsed.get(i));
        }
        RecordParser parsedAlready = record -> {
            ParseResult result = known.get(record);
            return result != null ? result : parsers.parse(record);
        };
        return BatchIsolation.process(records, batch -> processBatch(batch, AlertSink.NONE, parsedAlready));
    }

    private BatchResult processBatch(List<IngestRecord> records, AlertSink alertSink, RecordParser parser) {
        stage(Stage.PERSIST, () -> {
            beforeWrite.run();
            return null;
        });
        long started = System.nanoTime();
        Instant now = clock.instant();
        List<Parsed> parsed = new ArrayList<>(records.size());
        for (IngestRecord record : records) {
            parsed.add(parse(record, parser));
        }
        prefetchRegistry(parsed);
        RecordOutcome[] outcomes = new RecordOutcome[records.size()];
        Writes writes = new Writes();
        int alertCount = alerts(parsed, outcomes, alertSink, now, writes);

        for (int i = 0; i < parsed.size(); i++) {
            if (outcomes[i] == null) {
                outcomes[i] = prepare(parsed.get(i), now, writes);
            }
        }
        List<ObjectId> unwritten = new ArrayList<>();
        for (ObjectId id : writes.patientIds) {
            if (!patientsWritten.get(id, k -> Boolean.FALSE)) {
                unwritten.add(id);
            }
        }
        Map<ObjectId, Document> legacyPatients = stage(Stage.RESOLVE, () -> directory.patients(unwritten));
        java.util.Set<ObjectId> hospitals = new java.util.HashSet<>();
        for (ObjectId id : unwritten) {
            Document legacyPatient = legacyPatients.get(id);
            if (legacyPatient != null) {
                writes.envelopes.add(stage(Stage.MAP, () -> FhirEnvelope.wrap(patients.map(legacyPatient), now,
                        options.sourceSystem(), null)));
                String hospital = PatientMapper.firstHospital(legacyPatient);
                if (hospital != null && !organizationsWritten.get(new ObjectId(hospital), k -> Boolean.FALSE)) {
                    hospitals.add(new ObjectId(hospital));
                }
            }
        }
        // The Organization a Patient names is written with it (insert-if-absent), so that the reference resolves
        // for a hospital the registry gained after the migration (or without one).
        Map<ObjectId, Document> legacyHospitals = stage(Stage.RESOLVE, () -> directory.hospitals(hospitals));
        for (Document hospital : legacyHospitals.values()) {
            var organization = stage(Stage.MAP, () -> organizations.map(hospital));
            if (organization != null) {
                writes.envelopes.add(FhirEnvelope.wrap(organization, now, options.sourceSystem(), null));
            }
        }
        long mapped = System.nanoTime();
        int inserted = stage(Stage.PERSIST, () -> fhir.insertIfAbsent(FhirStore.byCollection(writes.envelopes)));
        if (options.legacyRouting()) {
            stage(Stage.LEGACY, () -> {
                legacy.write(writes.entries, now);
                return null;
            });
        }
        writes.patientIds.forEach(id -> patientsWritten.put(id, Boolean.TRUE));
        legacyHospitals.keySet().forEach(id -> organizationsWritten.put(id, Boolean.TRUE));
        writes.deviceIds.forEach(id -> devicesWritten.put(id, Boolean.TRUE));
        long persisted = System.nanoTime();
        return new BatchResult(List.of(outcomes), inserted, Duration.ofNanos(mapped - started),
                Duration.ofNanos(persisted - mapped), clock.instant(), writes.deviceTimes, alertCount);
    }

    /**
     * Reads the registry for the batch's devices together (one query per registry collection, not one per device):
     * the resolutions below are then answered from the directory's cache. A failure other than an outage leaves
     * each reading to its own look-up, where it is isolated and dead-lettered with its record.
     */
    private void prefetchRegistry(List<Parsed> parsed) {
        List<PatientDirectory.Lookup> lookups = new ArrayList<>();
        for (Parsed p : parsed) {
            if (p.result() == null) {
                continue;
            }
            if (p.result().messageClass() == MessageClass.ALERT) {
                p.result().alerts().forEach(e -> lookups.add(PatientDirectory.lookup(p.record().family(),
                        e.device())));
            } else if (p.result().messageClass() == MessageClass.READINGS) {
                p.result().readings().forEach(r -> lookups.add(PatientDirectory.lookup(r,
                        p.record().deviceBound())));
            }
        }
        if (lookups.isEmpty()) {
            return;
        }
        try {
            directory.prefetch(lookups);
        } catch (TransientStoreException e) {
            throw e;
        } catch (RuntimeException e) {
            if (MongoErrors.isTransient(e)) {
                throw new TransientStoreException("RESOLVE: database unavailable (" + StageFailure.describe(e) + ")",
                        e);
            }
            LOG.debugf(e, "registry prefetch failed; devices are looked up one at a time");
        }
    }

    private static Parsed parse(IngestRecord record, RecordParser parser) {
        ParseResult result;
        try {
            result = parser.parse(record);
        } catch (RuntimeException e) {
            return new Parsed(record, null, RecordOutcome.rejected(record, Stage.PARSE,
                    "parser failed: " + e.getClass().getSimpleName()));
        }
        if (!result.valid()) {
            return new Parsed(record, null, RecordOutcome.rejected(record, Stage.PARSE, result.problems().stream()
                    .map(Object::toString).collect(Collectors.joining("; "))));
        }
        return new Parsed(record, result, null);
    }

    /**
     * Resolves, publishes and records the batch's alarms before anything else is written. An alarm from a watch the
     * registry does not know is still published (without patient); its message is parked so that the
     * {@code emergency_alarm} document is written once the watch is registered.
     *
     * @return how many alarms were published
     */
    private int alerts(List<Parsed> parsed, RecordOutcome[] outcomes, AlertSink sink, Instant now, Writes writes) {
        List<AlertNotice> notices = new ArrayList<>();
        List<Integer> unresolved = new ArrayList<>();
        for (int i = 0; i < parsed.size(); i++) {
            Parsed p = parsed.get(i);
            if (p.result() == null || p.result().messageClass() != MessageClass.ALERT) {
                continue;
            }
            boolean allResolved = true;
            List<Document> flags = new ArrayList<>();
            for (AlertEvent event : p.result().alerts()) {
                Optional<PatientDirectory.Resolution> owner = stage(Stage.RESOLVE, () -> directory.resolve(
                        p.record().family(), event.device(), null, null)).filter(r -> !r.ambiguous());
                allResolved &= owner.isPresent();
                AlertNotice notice = AlertNotice.of(event, owner.map(r -> r.patientId().toHexString()).orElse(null),
                        p.record().ingestId());
                notices.add(notice);
                if (notice.patientId() != null) {
                    flags.add(stage(Stage.MAP, () -> FhirEnvelope.wrap(alertFlags.map(event, notice.alertId(),
                            notice.patientId()), now, options.sourceSystem(), p.record().ingestId())));
                }
            }
            // The Flag is the alarm's durable record in the FHIR database, whatever ENABLE_LEGACY_ROUTING says.
            writes.envelopes.addAll(flags);
            if (allResolved) {
                outcomes[i] = new RecordOutcome(p.record(), RecordOutcome.Status.ALERTED, Stage.LEGACY, null,
                        flags.stream().map(f -> "Flag/" + f.get("_id")).toList());
            } else {
                unresolved.add(i);
            }
        }
        if (notices.isEmpty()) {
            return 0;
        }
        stage(Stage.PUBLISH, () -> {
            sink.publish(notices);
            return null;
        });
        if (options.legacyRouting()) {
            stage(Stage.LEGACY, () -> alarms.insertIfAbsent(notices, now));
        }
        for (int i : unresolved) {
            IngestRecord record = parsed.get(i).record();
            String reason = "alarm published without patient: no patient is registered for "
                    + parsed.get(i).result().source().key();
            stage(Stage.RESOLVE, () -> {
                parked.park(record, Stage.RESOLVE, reason, now);
                return null;
            });
            outcomes[i] = new RecordOutcome(record, RecordOutcome.Status.PARKED, Stage.RESOLVE, reason, List.of());
        }
        return notices.size();
    }

    /**
     * Runs one stage's step: a transient failure passes unchanged (the batch is retried), any other failure is tagged
     * with the stage, so the message isolated as its cause is dead-lettered with it.
     */
    private static <T> T stage(Stage stage, java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (TransientStoreException | StageFailure e) {
            throw e;
        } catch (RuntimeException e) {
            if (MongoErrors.isTransient(e)) {
                throw new TransientStoreException(stage + ": database unavailable (" + StageFailure.describe(e)
                        + ")", e);
            }
            throw new StageFailure(stage, e);
        }
    }

    private RecordOutcome prepare(Parsed p, Instant now, Writes writes) {
        if (p.rejected() != null) {
            return p.rejected();
        }
        IngestRecord record = p.record();
        ParseResult parsed = p.result();
        if (parsed.messageClass() != MessageClass.READINGS) {
            return new RecordOutcome(record, RecordOutcome.Status.NOTHING_TO_STORE, Stage.PARSE, null, List.of());
        }
        List<ObjectId> owners = new ArrayList<>(parsed.readings().size());
        List<String> fallbacks = new ArrayList<>(parsed.readings().size());
        for (Reading r : parsed.readings()) {
            if (record.deviceBound() && r.family() == DeviceFamily.QUBE_VITAL && r.gateway() != null
                    && !stage(Stage.RESOLVE, () -> directory.registeredKiosk(r.gateway()))) {
                // A kiosk reading names its patient by citizen id: posted with a device's own token, that device
                // must be a kiosk, or a home box's token could write into any citizen's record.
                String reason = "kiosk reading posted with a token bound to " + r.gateway().key()
                        + ", which mfc_hv01_boxes does not list as a Qube-Vital kiosk";
                stage(Stage.RESOLVE, () -> {
                    parked.park(record, Stage.RESOLVE, reason, now);
                    return null;
                });
                return new RecordOutcome(record, RecordOutcome.Status.PARKED, Stage.RESOLVE, reason, List.of());
            }
            Optional<PatientDirectory.Resolution> resolution = stage(Stage.RESOLVE, () -> record.deviceBound()
                    ? directory.resolveForGateway(r) : directory.resolve(r));
            if (resolution.isEmpty() && r.patientHint() != null && r.patientHint().citizenId() != null) {
                resolution = Optional.of(stage(Stage.RESOLVE, () -> directory.registerWalkIn(r, now)));
            }
            if (resolution.isEmpty() || resolution.get().ambiguous()) {
                String reason = resolution.isEmpty() ? "no patient is registered for device " + r.device().key()
                        + (r.gateway() == null ? "" : " (gateway " + r.gateway().key() + ")")
                        : "ambiguous patient for device " + r.device().key()
                                + (r.gateway() == null ? "" : " (gateway " + r.gateway().key() + ")") + ": "
                                + resolution.get().via() + " names patients " + resolution.get().candidates().stream()
                                        .map(ObjectId::toHexString).collect(Collectors.joining(", "));
                stage(Stage.RESOLVE, () -> {
                    parked.park(record, Stage.RESOLVE, reason, now);
                    return null;
                });
                return new RecordOutcome(record, RecordOutcome.Status.PARKED, Stage.RESOLVE, reason, List.of());
            }
            owners.add(resolution.get().patientId());
            fallbacks.add(resolution.get().fallback());
            ObjectId patientId = resolution.get().patientId();
            if (r.patientHint() != null && stage(Stage.RESOLVE, () -> directory.completeWalkIn(patientId,
                    r.patientHint(), now))) {
                patientsWritten.put(patientId, Boolean.FALSE);
            }
        }
        Mapped mapped;
        try {
            mapped = map(record, parsed, owners, fallbacks, now, true);
        } catch (TransientStoreException e) {
            throw e;
        } catch (ImplausibleValueException e) {
            return RecordOutcome.rejected(record, Stage.MAP, e.getMessage());
        } catch (RuntimeException e) {
            if (MongoErrors.isTransient(e)) {
                throw new TransientStoreException("MAP: database unavailable (" + StageFailure.describe(e) + ")", e);
            }
            // The detail may quote a value: DEBUG only; the outcome names the failure's type.
            LOG.debugf(e, "message %s cannot be mapped", record.messageId());
            return RecordOutcome.rejected(record, Stage.MAP, "cannot map: " + StageFailure.describe(e));
        }
        writes.envelopes.addAll(mapped.envelopes());
        writes.entries.addAll(mapped.entries());
        writes.patientIds.addAll(owners);
        writes.deviceIds.addAll(mapped.deviceIds());
        parsed.readings().forEach(r -> writes.deviceTimes.add(r.deviceTime()));
        return new RecordOutcome(record, RecordOutcome.Status.STORED, Stage.LEGACY, null,
                mapped.ids().stream().distinct().toList());
    }

    /** What one message maps to: its envelopes (encoded), legacy entries, answer ids and the Devices it writes. */
    private record Mapped(List<Document> envelopes, List<LegacyEntry> entries, List<String> ids,
            List<String> deviceIds) {
    }

    /**
     * MAP for one message whose readings belong to {@code owners} (same order): Observations, Devices (those written
     * in the last minutes left out when {@code skipRecentDevices}), the message's Provenance, legacy entries.
     */
    private Mapped map(IngestRecord record, ParseResult parsed, List<ObjectId> owners, List<String> fallbacks,
            Instant now, boolean skipRecentDevices) {
        List<Document> recordEnvelopes = new ArrayList<>();
        List<LegacyEntry> recordEntries = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<String> observationIds = new ArrayList<>();
        List<String> deviceIds = new ArrayList<>();
        Set<DeviceIdentity> measuringDevices = new LinkedHashSet<>();
        Instant receivedAt = record.receivedInstant();
        for (int i = 0; i < parsed.readings().size(); i++) {
            Reading r = parsed.readings().get(i);
            ObjectId owner = owners.get(i);
            List<MappedResource> obs = observations.map(r, new ObservationMapper.Context(owner.toHexString(),
                    fallbacks.get(i), receivedAt, receivedAt));
            for (MappedResource m : obs) {
                Document envelope = FhirEnvelope.wrap(m, now, options.sourceSystem(), record.ingestId());
                if (r.kind().aggregation == MeasurementKind.Aggregation.DAILY_MAXIMUM
                        && r.kind().code.equals(m.code())) {
                    envelope.append(FhirStore.DAILY_MAXIMUM_FIELD,
                            LegacyEntryMapper.number(r.value(MeasurementKind.VALUE)));
                }
                recordEnvelopes.add(envelope);
                ids.add("Observation/" + m.id());
                observationIds.add(m.id());
            }
            for (MappedResource d : devices.map(r)) {
                if (!skipRecentDevices || !devicesWritten.get(d.id(), k -> Boolean.FALSE)) {
                    recordEnvelopes.add(FhirEnvelope.wrap(d, now, options.sourceSystem(), record.ingestId()));
                    deviceIds.add(d.id());
                }
                ids.add("Device/" + d.id());
            }
            measuringDevices.add(r.device());
            LegacyEntry entry = legacyEntries.map(r, owner, obs.get(0).id());
            if (entry != null) {
                recordEntries.add(entry);
            }
        }
        recordEntries = LegacyEntryMapper.mergeSameMeasurement(recordEntries);
        if (!observationIds.isEmpty()) {
            boolean onePatient = owners.stream().distinct().count() == 1;
            MappedResource prov = provenance.map(record.messageId(), record.ingestId(), record.clientId(),
                    List.copyOf(measuringDevices), onePatient ? owners.get(0).toHexString() : null,
                    observationIds, receivedAt);
            recordEnvelopes.add(FhirEnvelope.wrap(prov, now, options.sourceSystem(), record.ingestId()));
        }
        return new Mapped(recordEnvelopes, recordEntries, ids, deviceIds);
    }

    /**
     * PARSE and MAP {@code records} as a batch would, for a patient nobody has, without reading or writing anything
     * and without touching the caches: start-up work that makes the first real batch run compiled code. Returns how
     * many documents were encoded (so the work cannot be optimised away).
     */
    public int rehearse(List<IngestRecord> records) {
        int encoded = 0;
        for (IngestRecord record : records) {
            ParseResult parsed = parsers.parse(record);
            if (!parsed.valid() || parsed.messageClass() != MessageClass.READINGS) {
                continue;
            }
            List<ObjectId> owners = java.util.Collections.nCopies(parsed.readings().size(), REHEARSAL_PATIENT);
            List<String> fallbacks = java.util.Collections.nCopies(parsed.readings().size(), null);
            Mapped mapped = map(record, parsed, owners, fallbacks, clock.instant(), false);
            encoded += mapped.envelopes().size() + mapped.entries().size();
        }
        return encoded;
    }

    /** The patient of rehearsals: no registry holds it, and nothing mapped for it is ever written. */
    private static final ObjectId REHEARSAL_PATIENT = new ObjectId("000000000000000000000000");
}
