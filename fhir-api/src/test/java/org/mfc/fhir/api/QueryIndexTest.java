package org.mfc.fhir.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mfc.fhir.api.access.ReadScopes;
import org.mfc.fhir.api.search.DateRange;
import org.mfc.fhir.api.search.IdentifierQuery;
import org.mfc.fhir.api.search.LastNQuery;
import org.mfc.fhir.api.search.ObservationQuery;
import org.mfc.fhir.api.search.PageCursor;
import org.mfc.fhir.api.search.SupportedSearches;
import org.mfc.fhir.api.search.TokenValue;
import org.mfc.fhir.api.service.ReadService;
import org.mfc.fhir.api.store.ObservationQueries;
import org.mfc.fhir.api.store.ReadIndexes;
import org.mfc.fhir.api.store.ResourceLookups;
import org.mfc.fhir.infra.MongoWireServer;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;

/**
 * Every query the read path sends is served by an index: each search shape, page, count, include, read and
 * {@code $lastn} runs through the service, the driver's command listener records what went to the server, and each
 * {@code find} and count ({@code aggregate}) on a FHIR collection must carry a hint to an index that exists, whose key
 * starts with the query's equality fields (including {@code $in}), whose ranges lie after the equalities, and whose
 * sort keys are a run of index keys (all in the index's direction or all reversed) preceded only by single-value
 * equalities: the ESR rule MongoDB's planner follows, so the index yields the order and no blocking sort is needed.
 * A query without equality must walk its index in order (with a limit) or bound the index's first key. A hinted
 * MongoDB never scans the collection: a hint to a missing index is an error. {@code distinct} cannot take a hint on
 * MongoDB 7.0, so its filter and key must be a prefix of an index (then the planner uses a DISTINCT_SCAN).
 * <p>
 * The test stand-in has no {@code explain} and ignores hints (it scans; docs/decisions.md), so the plan itself is
 * checked only where the server explains: against a real MongoDB ({@code PIPELINE_INFRA=containers} or any
 * {@code FHIR_API_EXPLAIN_MONGO} URI), each recorded query is explained and must show no COLLSCAN.
 */
class QueryIndexTest {

    private static MongoWireServer server;
    private static MongoClient client;
    private static final List<BsonDocument> COMMANDS = RecordingCommandListener.COMMANDS;
    private static MongoDatabase db;
    private static ReadService service;

    @BeforeAll
    static void start() {
        String explainUri = System.getenv("FHIR_API_EXPLAIN_MONGO");
        String uri;
        if (explainUri != null && !explainUri.isBlank()) {
            uri = explainUri;
        } else {
            server = MongoWireServer.inMemory().start(0);
            uri = server.connectionString();
        }
        client = MongoClients.create(MongoClientSettings.builder().applyConnectionString(new ConnectionString(uri))
                .addCommandListener(new RecordingCommandListener()).build());
        db = client.getDatabase("QUERY_INDEX_TEST");
        StoredFixtures.seed(db);
        ReadIndexes.ensure(db);
        service = new ReadService(new ObservationQueries(db, Duration.ofSeconds(5)),
                new ResourceLookups(db, Duration.ofSeconds(5)), () -> { });
    }

    @AfterAll
    static void stop() {
        client.close();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void givenEveryQueryShape_whenRun_thenEachCommandIsServedByAnIndex() {
        COMMANDS.clear();
        runEveryShape();
        Map<String, List<Document>> indexes = new LinkedHashMap<>();
        for (String c : List.of("fhir_observations", "fhir_patients", "fhir_devices", "fhir_provenance",
                "fhir_organizations")) {
            List<Document> keys = db.getCollection(c).listIndexes().map(d -> d.get("key", Document.class))
                    .into(new ArrayList<>());
            // Every collection has its _id index, also one not created yet (Organizations here).
            if (!keys.contains(new Document("_id", 1))) {
                keys.add(new Document("_id", 1));
            }
            indexes.put(c, keys);
        }
        List<BsonDocument> queries = COMMANDS.stream().filter(c -> Set.of("find", "aggregate", "distinct")
                .contains(c.getFirstKey()) && c.getString(c.getFirstKey()).getValue().startsWith("fhir_")).toList();
        assertThat(queries).as("the shapes ran queries").hasSizeGreaterThan(20);
        assertThat(queries.stream().map(BsonDocument::getFirstKey).distinct()).contains("find", "aggregate",
                "distinct");
        for (BsonDocument command : queries) {
            String collection = command.getString(command.getFirstKey()).getValue();
            IndexFit.check(command, indexes.get(collection));
        }
        explainWhereTheServerCan(queries);
    }

    private static void runEveryShape() {
        ReadScopes system = ReadScopes.of("t", List.of("system/*.read"), null);
        ReadScopes patient = ReadScopes.of("t", List.of("patient/*.read"), StoredFixtures.PATIENT_A);
        String a = StoredFixtures.PATIENT_A;
        String cuff = "ble-" + StoredFixtures.CUFF_A.id();
        List<TokenValue> bp = List.of(new TokenValue("http://loinc.org", "85354-9"));
        List<TokenValue> two = List.of(new TokenValue(null, "2708-6"), new TokenValue(null, "41653-7"));
        List<TokenValue> lab = List.of(new TokenValue(null, "laboratory"));
        DateRange window = DateRange.within(Instant.parse("2025-03-01T02:00:00Z"),
                Instant.parse("2025-03-02T00:00:00Z"));
        DateRange ending = DateRange.endingFrom(Instant.parse("2025-03-01T02:00:00Z"));
        Set<String> both = Set.of(SupportedSearches.INCLUDE_DEVICE, SupportedSearches.INCLUDE_PATIENT);
        PageCursor cursor = new PageCursor(Instant.parse("2025-03-01T12:00:00Z"), "zzz");
        for (boolean asc : List.of(false, true)) {
            for (PageCursor after : java.util.Arrays.asList(null, cursor)) {
                service.observations(system, new ObservationQuery(a, bp, List.of(), null, window, asc, 5, false,
                        both, after));
                service.observations(system, new ObservationQuery(a, two, lab, null, DateRange.ALL, asc, 5, false,
                        Set.of(), after));
                service.observations(system, new ObservationQuery(a, List.of(), lab, null, window, asc, 5, false,
                        Set.of(), after));
                service.observations(system, new ObservationQuery(null, bp, List.of(), cuff, window, asc, 5, false,
                        Set.of(), after));
                service.observations(system, new ObservationQuery(a, two, List.of(), null, ending, asc, 5, false,
                        Set.of(), after));
                service.observations(patient, new ObservationQuery(null, List.of(new TokenValue("http://loinc.org",
                        null)), List.of(), cuff, DateRange.ALL, asc, 5, false, both, after));
            }
        }
        service.observations(system, new ObservationQuery(a, two, List.of(), null, window, false, 0, true, Set.of(),
                null));
        service.observations(system, new ObservationQuery(a, List.of(), List.of(), null, window, false, 0, true,
                Set.of(), null));
        service.observations(system, new ObservationQuery(null, List.of(), List.of(), cuff, window, false, 0, true,
                Set.of(), null));
        service.lastn(system, new LastNQuery(a, List.of(), List.of(), 3));
        service.lastn(system, new LastNQuery(a, List.of(), lab, 3));
        service.lastn(patient, new LastNQuery(null, List.of(new TokenValue("http://loinc.org", "59408-5")), lab, 2));
        for (String type : SupportedSearches.READABLE) {
            try {
                service.read(patient, type, "x");
            } catch (RuntimeException expected) {
                // not found: only the queries matter here
            }
        }
        service.read(patient, "Device", cuff);
        service.byIdentifier(system, new IdentifierQuery("Patient", List.of(new TokenValue(
                "https://fhir.mfc.local/sid/th-citizen-id", "1100000000016")), 5, false, null));
        service.byIdentifier(system, new IdentifierQuery("Patient", List.of(), 5, false, "a"));
        service.byIdentifier(system, new IdentifierQuery("Device", List.of(new TokenValue(null, "x")), 0, true, null));
        service.byIdentifier(patient, new IdentifierQuery("Device", List.of(new TokenValue(null,
                "0B:A0:00:00:00:01")), 5, false, null));
        service.byIdentifier(patient, new IdentifierQuery("Patient", List.of(), 5, false, null));
    }

    /** Real MongoDB only: the winning plan of every query names an index and scans no collection. */
    private static void explainWhereTheServerCan(List<BsonDocument> queries) {
        for (BsonDocument command : queries) {
            BsonDocument explain = new BsonDocument("explain", strip(command)).append("verbosity",
                    new org.bson.BsonString("queryPlanner"));
            Document plan;
            try {
                plan = db.runCommand(explain);
            } catch (MongoCommandException e) {
                if (e.getErrorCode() == 59) {
                    return; // the stand-in has no explain: the index fit above is what is checked
                }
                throw e;
            }
            assertThat(plan.toJson()).as(command.toJson()).doesNotContain("COLLSCAN");
        }
    }

    private static BsonDocument strip(BsonDocument command) {
        BsonDocument c = new BsonDocument();
        command.forEach(c::put);
        for (String k : List.of("$db", "lsid", "$clusterTime", "$readPreference", "txnNumber")) {
            c.remove(k);
        }
        return c;
    }

    /** The ESR check of one command against the collection's indexes. */
    static final class IndexFit {

        private IndexFit() {
        }

        static void check(BsonDocument command, List<Document> indexes) {
            String kind = command.getFirstKey();
            BsonDocument filter;
            BsonDocument sort = new BsonDocument();
            BsonValue hint = null;
            String keyOnly = null;
            if (kind.equals("find")) {
                filter = command.getDocument("filter", new BsonDocument());
                sort = command.getDocument("sort", new BsonDocument());
                hint = command.get("hint");
            } else if (kind.equals("aggregate")) {
                BsonDocument match = command.getArray("pipeline").get(0).asDocument();
                filter = match.getDocument("$match", new BsonDocument());
                hint = command.get("hint");
            } else {
                filter = command.getDocument("query", new BsonDocument());
                keyOnly = command.getString("key").getValue();
            }
            List<String> equalities = new ArrayList<>();
            List<String> points = new ArrayList<>();
            List<String> ranges = new ArrayList<>();
            fields(filter, equalities, points, ranges);
            if (keyOnly != null) {
                List<String> needed = new ArrayList<>(equalities);
                needed.add(keyOnly);
                assertThat(indexes.stream().anyMatch(ix -> prefix(new ArrayList<>(ix.keySet()), needed)))
                        .as("distinct %s: an index starts with %s", command.toJson(), needed).isTrue();
                return;
            }
            assertThat(hint).as("%s names its index", command.toJson()).isNotNull();
            Document key = Document.parse(hint.asDocument().toJson());
            assertThat(indexes).as("%s: the hinted index exists", command.toJson()).contains(key);
            List<String> keys = new ArrayList<>(key.keySet());
            int i = 0;
            while (i < keys.size() && equalities.contains(keys.get(i))) {
                i++;
            }
            for (String range : ranges) {
                assertThat(keys.indexOf(range)).as("%s: range on %s after the equalities", command.toJson(),
                        range).isGreaterThanOrEqualTo(i);
            }
            List<String> sortKeys = new ArrayList<>(sort.keySet());
            if (i == 0) {
                // No equality: a walk of the index in its order (with a limit) or a range on its first key.
                assertThat(ranges.contains(keys.get(0)) || (!sortKeys.isEmpty() && sortKeys.get(0).equals(keys.get(0))))
                        .as("%s: bounded by its index's first key", command.toJson()).isTrue();
            }
            if (!sortKeys.isEmpty()) {
                int start = keys.indexOf(sortKeys.get(0));
                assertThat(start).as("%s: sorted on index keys", command.toJson()).isGreaterThanOrEqualTo(0);
                assertThat(prefix(keys.subList(start, keys.size()), sortKeys))
                        .as("%s: the sort is a run of index keys", command.toJson()).isTrue();
                for (String before : keys.subList(0, start)) {
                    assertThat(points.contains(before)).as("%s: %s before the sort keys is one value",
                            command.toJson(), before).isTrue();
                }
                int direction = 0;
                for (String s : sortKeys) {
                    int same = sort.getInt32(s).getValue() == ((Number) key.get(s)).intValue() ? 1 : -1;
                    assertThat(direction == 0 || direction == same).as("%s: one direction", command.toJson())
                            .isTrue();
                    direction = same;
                }
            }
        }

        private static boolean prefix(List<String> keys, List<String> wanted) {
            return keys.size() >= wanted.size() && keys.subList(0, wanted.size()).containsAll(wanted);
        }

        /**
         * Top-level and {@code $and} fields: equalities ({@code x: v}, {@code $in}) and ranges ({@code $gt}...,
         * {@code $type}); other operators are filters on the documents the range yields.
         */
        private static void fields(BsonDocument filter, List<String> equalities, List<String> points,
                List<String> ranges) {
            for (Map.Entry<String, BsonValue> e : filter.entrySet()) {
                if (e.getKey().equals("$and")) {
                    e.getValue().asArray().forEach(t -> fields(t.asDocument(), equalities, points, ranges));
                } else if (e.getKey().startsWith("$")) {
                    continue;
                } else if (!e.getValue().isDocument()) {
                    equalities.add(e.getKey());
                    points.add(e.getKey());
                } else if (e.getValue().asDocument().containsKey("$in")) {
                    equalities.add(e.getKey());
                } else if (e.getValue().asDocument().keySet().stream().anyMatch(k -> Set.of("$gt", "$gte", "$lt",
                        "$lte", "$type").contains(k))) {
                    ranges.add(e.getKey());
                }
            }
        }
    }
}
