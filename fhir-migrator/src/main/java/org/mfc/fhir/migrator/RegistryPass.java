package org.mfc.fhir.migrator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.mfc.fhir.core.fhir.FhirEnvelope;
import org.mfc.fhir.core.fhir.MappedResource;
import org.mfc.fhir.core.legacy.LegacyNames;
import org.mfc.fhir.core.legacy.PatientMapper;
import org.mfc.fhir.core.legacy.EntryProblem;
import org.mfc.fhir.core.legacy.OrganizationMapper;
import org.mfc.fhir.core.migrate.RegistryDeviceMapper;
import org.mfc.fhir.core.store.FhirStore;

import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;

/**
 * The registry part of {@code convert}: {@code hospitals} to Organizations, {@code patients} to Patients,
 * {@code amy_boxes}, {@code amy_devices} and {@code watches} to Devices, streamed in {@code _id} order, written
 * insert-if-absent and checkpointed per batch like the history ({@link CheckpointedBatches}).
 */
final class RegistryPass {

    private final MongoDatabase main;
    private final FhirStore store;
    private final Checkpoints checkpoints;
    private final RejectLog rejectLog;
    private final int batchSize;
    private final int writers;
    private final Instant runStart;
    private final PatientMapper patients = new PatientMapper();
    private final OrganizationMapper organizations = new OrganizationMapper();
    private final RegistryDeviceMapper registryDevices = new RegistryDeviceMapper();

    private final String op;

    RegistryPass(MongoDatabase main, FhirStore store, Checkpoints checkpoints, RejectLog rejectLog, int batchSize,
            int writers, Instant runStart, String op) {
        this.op = op;
        this.main = main;
        this.writers = writers;
        this.store = store;
        this.checkpoints = checkpoints;
        this.rejectLog = rejectLog;
        this.batchSize = batchSize;
        this.runStart = runStart;
    }

    void run(String collection, RunReport report) {
        Document cp = checkpoints.load(op, collection);
        Tally tally = Tally.fromDocument(cp == null ? null : cp.get("counts", Document.class));
        if (cp != null && cp.getBoolean("done", false)) {
            report.tally(collection).add(tally);
            return;
        }
        Object last = cp == null ? null : cp.get("last_id");
        var find = main.getCollection(collection).find(last == null ? new Document() : Filters.gt("_id", last))
                .sort(Sorts.ascending("_id"));
        try (CheckpointedBatches batches = new CheckpointedBatches(checkpoints, op, collection, last,
                tally, writers); MongoCursor<Document> cursor = find.iterator()) {
            Batch batch = new Batch();
            while (cursor.hasNext()) {
                Document doc = cursor.next();
                batch.tally.documents++;
                registryDocument(collection, doc, batch.envelopes, batch.problems, batch.warnings);
                last = doc.get("_id");
                if (batch.tally.documents >= batchSize) {
                    submit(batches, batch, last);
                    batch = new Batch();
                }
            }
            submit(batches, batch, last);
            batches.finish();
        }
        report.tally(collection).add(tally);
    }

    /** One batch of registry documents: their resources and the problems found converting them. */
    private static final class Batch {
        final List<Document> envelopes = new ArrayList<>();
        final List<EntryProblem> problems = new ArrayList<>();
        final List<EntryProblem> warnings = new ArrayList<>();
        final Tally tally = new Tally();
    }

    private void submit(CheckpointedBatches batches, Batch batch, Object last) {
        batches.submit(last, batch.tally, () -> {
            batch.tally.resources += batch.envelopes.size();
            batch.tally.inserted += store.insertIfAbsent(FhirStore.byCollection(batch.envelopes));
            batch.problems.forEach(batch.tally::reject);
            batch.warnings.forEach(batch.tally::warning);
            rejectLog.record(batch.problems, false);
            rejectLog.record(batch.warnings, true);
        });
    }

    private void registryDocument(String collection, Document doc, List<Document> envelopes,
            List<EntryProblem> problems, List<EntryProblem> warnings) {
        String id = doc.get("_id") instanceof ObjectId oid ? oid.toHexString() : String.valueOf(doc.get("_id"));
        List<MappedResource> mapped = new ArrayList<>();
        RegistryDeviceMapper.Result devices = null;
        switch (collection) {
            case LegacyNames.HOSPITALS -> {
                MappedResource org = organizations.map(doc);
                if (org == null) {
                    problems.add(new EntryProblem(collection, id, -1, "Organization", "_id", "malformed-entry"));
                } else {
                    mapped.add(org);
                }
            }
            case LegacyNames.PATIENTS -> {
                if (doc.get("_id") instanceof ObjectId) {
                    mapped.add(patients.map(doc));
                } else {
                    problems.add(new EntryProblem(collection, id, -1, "Patient", "_id", "malformed-entry"));
                }
            }
            case LegacyNames.AMY_BOXES -> devices = registryDevices.box(doc);
            case LegacyNames.AMY_DEVICES -> devices = registryDevices.amyDevices(doc);
            case LegacyNames.WATCHES -> devices = registryDevices.watch(doc);
            default -> throw new IllegalArgumentException(collection);
        }
        if (devices != null) {
            mapped.addAll(devices.devices());
            for (String field : devices.unusableFields()) {
                warnings.add(new EntryProblem(collection, id, -1, "Device", field, "unusable-identifier"));
            }
        }
        Map<String, MappedResource> unique = new LinkedHashMap<>();
        mapped.forEach(m -> unique.putIfAbsent(m.resourceType() + "/" + m.id(), m));
        for (MappedResource m : unique.values()) {
            envelopes.add(FhirEnvelope.wrap(m, runStart, ConvertJob.SOURCE_SYSTEM, "legacy:" + collection + "/" + id));
        }
    }
}
