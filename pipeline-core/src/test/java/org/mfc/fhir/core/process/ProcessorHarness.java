package org.mfc.fhir.core.process;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.bson.Document;
import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.DeviceIdentity;
import org.mfc.fhir.core.model.Reading;
import org.mfc.fhir.core.parse.AlertEvent;
import org.mfc.fhir.core.parse.MessageClass;
import org.mfc.fhir.core.parse.ParseResult;
import org.mfc.fhir.core.legacy.EmergencyAlarmStore;
import org.mfc.fhir.core.store.FhirStore;
import org.mfc.fhir.core.legacy.LegacyStore;
import org.mfc.fhir.core.store.ParkedReadingStore;
import org.mfc.fhir.core.legacy.PatientDirectory;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * A {@link ReadingProcessor} over a real MongoDB wire server (in-memory mongo-java-server) and a stand-in parser
 * that returns prepared {@link ParseResult}s, so the processing rules can be tested with readings of every family
 * independently of the payload parsers. Each harness has its own databases.
 */
final class ProcessorHarness implements AutoCloseable {

    private static MongoServer server;
    private static MongoClient client;
    private static int databases;

    final MongoDatabase main;
    final MongoDatabase fhirDb;
    final ParkedReadingStore parked;
    final PatientDirectory directory;
    final ReadingProcessor processor;
    final ParkedReprocessor reprocessor;
    private final Map<String, ParseResult> results = new HashMap<>();
    private int seq;

    ProcessorHarness(boolean legacyRouting) {
        this(legacyRouting, null);
    }

    /**
     * @param parser the parse of queued records, or null for the stand-in that returns the results prepared with
     *               {@link #message}
     */
    ProcessorHarness(boolean legacyRouting, RecordParser parser) {
        MongoClient c = client();
        int n = next();
        main = c.getDatabase("AMY_" + n);
        fhirDb = c.getDatabase("FHIR_" + n);
        parked = new ParkedReadingStore(fhirDb);
        directory = new PatientDirectory(main, Duration.ofMinutes(5), 1000, Clock.systemUTC());
        FhirStore fhir = new FhirStore(fhirDb);
        fhir.ensureIndexes();
        LegacyStore legacy = new LegacyStore(main);
        if (legacyRouting) {
            legacy.ensureIndexes();
        }
        RecordParser parse = parser != null ? parser : r -> results.get(r.payload().path("case").asText());
        processor = new ReadingProcessor(parse, directory, fhir,
                legacy, parked, new EmergencyAlarmStore(main),
                new ReadingProcessor.Options(legacyRouting, "test"), Clock.systemUTC());
        reprocessor = new ParkedReprocessor(parked, directory, processor);
    }

    private static synchronized int next() {
        return ++databases;
    }

    private static synchronized MongoClient client() {
        if (client == null) {
            server = new MongoServer(new MemoryBackend());
            InetSocketAddress address = server.bind();
            client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort());
        }
        return client;
    }

    /** A queued message whose parse gives these readings. */
    IngestRecord message(DeviceFamily family, Reading... readings) {
        DeviceIdentity source = readings[0].gateway() != null ? readings[0].gateway() : readings[0].device();
        return message(family, new ParseResult(MessageClass.READINGS, source, List.of(readings), List.of(),
                List.of()));
    }

    /** The same message as posted with a token bound to its reporting device (an AVA4 box's own token). */
    static IngestRecord deviceBound(IngestRecord r) {
        return new IngestRecord(r.ingestId(), r.seq(), r.family(), r.topic(), r.deviceKey(), r.clientId(),
                r.receivedAt(), r.payload(), true);
    }

    IngestRecord alert(AlertEvent event) {
        return message(DeviceFamily.KATI, new ParseResult(MessageClass.ALERT, event.device(), List.of(),
                List.of(event), List.of()));
    }

    IngestRecord message(DeviceFamily family, ParseResult result) {
        String id = "case-" + (++seq);
        results.put(id, result);
        return new IngestRecord("ing-" + id, 0, family, null, result.source() == null ? null
                : result.source().key(), "test-client", "2025-04-06T18:25:20.123Z",
                Json.mapper().createObjectNode().put("case", id));
    }

    /** Every document of both databases, by collection, sorted by id: equal dumps mean identical databases. */
    Map<String, List<String>> dump() {
        Map<String, List<String>> out = new TreeMap<>();
        for (MongoDatabase db : List.of(main, fhirDb)) {
            for (String name : db.listCollectionNames()) {
                List<String> docs = new ArrayList<>();
                for (Document d : db.getCollection(name).find().sort(new Document("_id", 1))) {
                    docs.add(d.toJson());
                }
                out.put(db.getName() + "." + name, docs);
            }
        }
        return out;
    }

    @Override
    public void close() {
        main.drop();
        fhirDb.drop();
    }
}
