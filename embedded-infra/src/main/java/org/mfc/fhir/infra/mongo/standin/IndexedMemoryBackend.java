package org.mfc.fhir.infra.mongo.standin;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.ArrayFilters;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.DocumentWithPosition;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.backend.memory.index.MemoryUniqueIndex;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

/**
 * mongo-java-server's in-memory backend with the index use a real MongoDB has: a non-unique index is a real lookup
 * structure (the stock backend keeps none, so every query on it scans the collection), and a query that holds an
 * indexed equality among other conditions ({@code {_id: x, $or: [...]}}, {@code {$and: [{patient_id: p}, ...]}})
 * reads only the documents that index names, then applies the whole query to them. Results are those of a full
 * scan: narrowing happens only on equalities with a string or ObjectId value (no numeric, array or null
 * normalisation to get wrong), and every candidate is matched against the complete query. Without it, writes that
 * filter on a bucket key cost a scan of the collection, and the stand-in, not the pipeline, bounds every benchmark.
 * <p>
 * Collection sizes in bytes ({@code collStats} {@code size}, {@code avgObjSize}) are not kept: keeping them
 * re-encodes the old and the new document on every write, which for a bucket document of hundreds of entries costs
 * more than the write itself. Nothing in the pipeline reads them; document counts are unaffected.
 * <p>
 * The server advertises a write batch of {@value #WRITE_BATCH_DOCUMENTS} documents (a real MongoDB: 100,000), so
 * the driver sends a large bulk write as several messages. mongo-java-server decodes a whole message before it
 * stores the first document of it; with a thousand decoded documents in hand, encoding each for storage walks
 * memory that has left the CPU cache, about eight times slower than right after its decode. What a bulk write does
 * is the same either way: the driver merges the replies and their error indexes.
 */
public final class IndexedMemoryBackend extends MemoryBackend {

    static final int WRITE_BATCH_DOCUMENTS = 100;
    /** A collection of at most this many documents keeps those a full scan decoded as live documents. */
    static final int LIVE_AFTER_SCAN_MAX_DOCUMENTS = 20_000;

    @Override
    public Document handleCommand(Channel channel, String database, String command, Document query) {
        Document reply = super.handleCommand(channel, database, command, query);
        if (reply != null && reply.containsKey("maxWriteBatchSize")) {
            reply.put("maxWriteBatchSize", WRITE_BATCH_DOCUMENTS);
        }
        return reply;
    }

    @Override
    public MemoryDatabase openOrCreateDatabase(String databaseName) {
        return new IndexedDatabase(databaseName, getCursorRegistry());
    }

    private static final class IndexedDatabase extends MemoryDatabase {

        IndexedDatabase(String name, CursorRegistry cursors) {
            super(name, cursors);
        }

        @Override
        protected MemoryCollection openOrCreateCollection(String collectionName, CollectionOptions options) {
            return new IndexedCollection(this, collectionName, options, cursorRegistry);
        }

        @Override
        protected Index<Integer> openOrCreateSecondaryIndex(String collectionName, String indexName,
                List<IndexKey> keys, boolean sparse) {
            return new MultiValueIndex(indexName, keys, sparse);
        }

        @Override
        protected Index<Integer> openOrCreateUniqueIndex(String collectionName, String indexName,
                List<IndexKey> keys, boolean sparse) {
            return new UniqueIndex(indexName, keys, sparse);
        }
    }

    /** The stock unique index, with the key of a plain document computed by {@link PlainIndexKeys}. */
    private static final class UniqueIndex extends MemoryUniqueIndex {

        private final PlainIndexKeys plain;

        UniqueIndex(String name, List<IndexKey> keys, boolean sparse) {
            super(name, keys, sparse);
            this.plain = new PlainIndexKeys(keys);
        }

        @Override
        public Set<KeyValue> getKeyValues(Document document) {
            return plain.keyValues(document, super::getKeyValues);
        }
    }

    /**
     * Documents are kept as BSON bytes until their first update, then as live documents, updated in place as the
     * stock backend does (in a collection of at most {@value #LIVE_AFTER_SCAN_MAX_DOCUMENTS} documents, also from
     * their first full scan on). Inserted-once documents (Observations, Provenance: nearly all of a large database)
     * then take a few hundred bytes to a few kilobytes instead of a tree of maps several times that size, so a
     * database of millions of documents fits in a heap of a few gigabytes; documents written again and again (legacy
     * buckets, patients) skip a decode and encode on every write.
     */
    private static final class IndexedCollection extends MemoryCollection {

        /** Per position: {@code byte[]} (BSON), a live {@link Document}, or null (free). */
        private final List<Object> slots = new ArrayList<>();
        private final ArrayDeque<Integer> freePositions = new ArrayDeque<>();

        IndexedCollection(de.bwaldvogel.mongo.MongoDatabase database, String name, CollectionOptions options,
                CursorRegistry cursors) {
            super(database, name, options, cursors);
        }

        @Override
        protected boolean tracksDataSize() {
            return false;
        }

        @Override
        protected Integer addDocumentInternal(Document document) {
            byte[] bson = StoredBson.encode(document);
            Integer free = freePositions.poll();
            if (free == null) {
                slots.add(bson);
                return slots.size() - 1;
            }
            slots.set(free, bson);
            return free;
        }

        @Override
        protected Document getDocument(Integer position) {
            Object slot = slots.get(position);
            return slot instanceof byte[] bson ? decode(bson) : (Document) slot;
        }

        @Override
        protected void handleUpdate(Integer position, Document oldDocument, Document newDocument) {
            slots.set(position, newDocument);
        }

        @Override
        protected void removeDocument(Integer position) {
            slots.set(position, null);
            freePositions.add(position);
        }

        @Override
        public synchronized int count() {
            return slots.size() - freePositions.size();
        }

        @Override
        public synchronized boolean isEmpty() {
            return count() == 0;
        }

        @Override
        protected Integer findDocumentPosition(Document document) {
            for (int i = 0; i < slots.size(); i++) {
                if (slots.get(i) != null && getDocument(i).equals(document)) {
                    return i;
                }
            }
            return null;
        }

        @Override
        protected Stream<DocumentWithPosition<Integer>> streamAllDocumentsWithPosition() {
            return IntStream.range(0, slots.size()).filter(i -> slots.get(i) != null)
                    .mapToObj(i -> new DocumentWithPosition<>(getDocument(i), i));
        }

        @Override
        protected QueryResult matchDocuments(Document query, Document orderBy, int numberToSkip, int limit,
                int batchSize, Document fieldSelector) {
            IntStream positions = IntStream.range(0, slots.size());
            if (isNaturalDescending(orderBy)) {
                positions = positions.map(i -> slots.size() - 1 - i);
            }
            boolean keepDecoded = count() <= LIVE_AFTER_SCAN_MAX_DOCUMENTS;
            Stream<Document> documents = positions.filter(i -> slots.get(i) != null)
                    .mapToObj(i -> keepDecoded ? liveDocument(i) : getDocument(i));
            return matchDocumentsFromStream(documents, query, orderBy, numberToSkip, limit, batchSize,
                    fieldSelector);
        }

        /**
         * The document at a position, kept decoded from now on: a collection small enough is read by scans again and
         * again (the legacy registry, matched by pattern), and decoding every document on every scan cost more than
         * the matching. A decoded document is what the stock backend keeps for every position.
         */
        private Document liveDocument(int position) {
            Object slot = slots.get(position);
            if (slot instanceof byte[] bson) {
                Document document = decode(bson);
                slots.set(position, document);
                return document;
            }
            return (Document) slot;
        }

        private static Document decode(byte[] bson) {
            return BsonDecoder.decodeBson(Unpooled.wrappedBuffer(bson));
        }

        @Override
        protected QueryResult queryDocuments(Document query, Document orderBy, int numberToSkip, int limit,
                int batchSize, Document fieldSelector) {
            Iterable<Integer> narrowed = narrowedPositions(query);
            if (narrowed != null) {
                return matchDocuments(query, narrowed, orderBy, numberToSkip, limit, batchSize, fieldSelector);
            }
            return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
        }

        /**
         * The positions an index names for the query's equalities (to be matched against the whole query), or null
         * when no index narrows it beyond what the stock lookup does.
         */
        private Iterable<Integer> narrowedPositions(Document query) {
            Map<String, Object> equalities = new LinkedHashMap<>();
            collectEqualities(query, equalities);
            if (!equalities.isEmpty()) {
                for (Index<Integer> index : getIndexes()) {
                    Document narrowed = narrowedQuery(index, equalities);
                    if (narrowed != null && !narrowed.equals(query) && index.canHandle(narrowed)) {
                        return index.getPositions(narrowed);
                    }
                }
            }
            return null;
        }

        /**
         * A single-document update of the plain form ({@link InPlaceUpdate}) changes the stored document itself;
         * any other update, an upsert that matches nothing, or an update the stock path would refuse for the
         * matched document takes the stock path. The document chosen is the one the stock path chooses: the first
         * match in the order the same lookup visits.
         */
        @Override
        public synchronized Document updateDocuments(Document selector, Document update, ArrayFilters arrayFilters,
                boolean multi, boolean upsert, Oplog oplog) {
            InPlaceUpdate inPlace = multi ? null : InPlaceUpdate.of(update, arrayFilters, getIndexes(),
                    getIdField());
            if (inPlace == null) {
                return super.updateDocuments(selector, update, arrayFilters, multi, upsert, oplog);
            }
            Integer position = firstMatch(selector);
            if (position == null && upsert) {
                return super.updateDocuments(selector, update, arrayFilters, multi, upsert, oplog);
            }
            List<Object> modified = new ArrayList<>(1);
            if (position != null) {
                Document document = getDocument(position);
                if (!inPlace.appliesTo(document)) {
                    return super.updateDocuments(selector, update, arrayFilters, multi, upsert, oplog);
                }
                if (inPlace.apply(document)) {
                    slots.set(position, document);
                    modified.add(document.get(getIdField()));
                }
            }
            oplog.handleUpdate(getFullName(), selector, update, modified);
            Document result = new Document();
            result.put("n", position == null ? 0 : 1);
            result.put("nModified", modified.size());
            return result;
        }

        /** {@link PlainQueryMatch} where it decides, else the stock matcher. */
        @Override
        protected boolean documentMatchesQuery(Document document, Document query) {
            Boolean plain = PlainQueryMatch.matches(document, query);
            return plain != null ? plain : super.documentMatchesQuery(document, query);
        }

        private Integer firstMatch(Document query) {
            Iterable<Integer> candidates = narrowedPositions(query);
            if (candidates == null) {
                for (Index<Integer> index : getIndexes()) {
                    if (index.canHandle(query)) {
                        candidates = index.getPositions(query);
                        break;
                    }
                }
            }
            if (candidates == null) {
                candidates = () -> IntStream.range(0, slots.size()).boxed().iterator();
            }
            for (Integer position : candidates) {
                if (slots.get(position) != null && documentMatchesQuery(getDocument(position), query)) {
                    return position;
                }
            }
            return null;
        }

        /** The query's equality conditions, from its top level and from top-level {@code $and} terms. */
        private static void collectEqualities(Document query, Map<String, Object> out) {
            for (Map.Entry<String, Object> e : query.entrySet()) {
                if (e.getKey().equals("$and") && e.getValue() instanceof Collection<?> terms) {
                    for (Object term : terms) {
                        if (term instanceof Document d) {
                            collectEqualities(d, out);
                        }
                    }
                } else if (!e.getKey().startsWith("$") && isExact(e.getValue())) {
                    out.putIfAbsent(e.getKey(), e.getValue());
                }
            }
        }

        private static Document narrowedQuery(Index<Integer> index, Map<String, Object> equalities) {
            Document narrowed = new Document();
            for (IndexKey key : index.getKeys()) {
                Object value = equalities.get(key.getKey());
                if (value == null) {
                    return null;
                }
                narrowed.put(key.getKey(), value);
            }
            return narrowed;
        }
    }

    /** Values whose equality has no normalisation subtleties (numbers, arrays, documents and null do). */
    static boolean isExact(Object value) {
        return value instanceof String || value instanceof de.bwaldvogel.mongo.bson.ObjectId;
    }

    /**
     * A non-unique index: key values to the positions of the documents holding them, each document known by its
     * {@code _id} so that a removal finds its own position.
     */
    private static final class MultiValueIndex extends Index<Integer> {

        /**
         * Per key value: the one document holding it ({@link Holder}), or a map of document id to position when
         * several do. Most key values of a large collection (a time, a message id) belong to one document, and a map
         * per value would cost more than the document itself.
         */
        private final Map<KeyValue, Object> positions = new HashMap<>();
        private final PlainIndexKeys plain;
        private long count;

        private record Holder(Object id, Integer position) {
        }

        MultiValueIndex(String name, List<IndexKey> keys, boolean sparse) {
            super(name, keys, sparse);
            this.plain = new PlainIndexKeys(keys);
        }

        @Override
        public Set<KeyValue> getKeyValues(Document document) {
            return plain.keyValues(document, super::getKeyValues);
        }

        @Override
        public Integer getPosition(Document document) {
            return null;
        }

        @Override
        public void checkAdd(Document document, MongoCollection<Integer> collection) {
            // Not unique: nothing to refuse.
        }

        @Override
        public synchronized void add(Document document, Integer position, MongoCollection<Integer> collection) {
            Object id = document.get("_id");
            for (KeyValue key : getKeyValues(document)) {
                Object current = positions.get(key);
                if (current == null) {
                    positions.put(key, new Holder(id, position));
                    count++;
                } else if (current instanceof Holder one) {
                    if (java.util.Objects.equals(one.id(), id)) {
                        positions.put(key, new Holder(id, position));
                    } else {
                        Map<Object, Integer> several = new HashMap<>(4);
                        several.put(one.id(), one.position());
                        several.put(id, position);
                        positions.put(key, several);
                        count++;
                    }
                } else if (holders(current).put(id, position) == null) {
                    count++;
                }
            }
        }

        @Override
        public synchronized Integer remove(Document document) {
            Object id = document.get("_id");
            Integer removed = null;
            for (KeyValue key : getKeyValues(document)) {
                Object current = positions.get(key);
                if (current instanceof Holder one) {
                    if (java.util.Objects.equals(one.id(), id)) {
                        positions.remove(key);
                        removed = one.position();
                        count--;
                    }
                } else if (current != null) {
                    Map<Object, Integer> several = holders(current);
                    Integer position = several.remove(id);
                    if (position != null) {
                        removed = position;
                        count--;
                    }
                    if (several.size() == 1) {
                        var last = several.entrySet().iterator().next();
                        positions.put(key, new Holder(last.getKey(), last.getValue()));
                    }
                }
            }
            return removed;
        }

        @SuppressWarnings("unchecked")
        private static Map<Object, Integer> holders(Object several) {
            return (Map<Object, Integer>) several;
        }

        @Override
        public synchronized boolean canHandle(Document query) {
            if (!query.keySet().equals(keySet())) {
                return false;
            }
            for (Object value : query.values()) {
                if (!isExact(value)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public synchronized Iterable<Integer> getPositions(Document query) {
            List<Object> values = new ArrayList<>();
            for (String key : keys()) {
                values.add(query.get(key));
            }
            Object current = positions.get(new KeyValue(values));
            if (current == null) {
                return List.of();
            }
            if (current instanceof Holder one) {
                return List.of(one.position());
            }
            // In storage order, as a scan visits them: updateOne and findOne pick the same document a scan would.
            List<Integer> inOrder = new ArrayList<>(holders(current).values());
            inOrder.sort(null);
            return inOrder;
        }

        @Override
        public synchronized long getCount() {
            return count;
        }

        @Override
        public long getDataSize() {
            return getCount();
        }

        @Override
        public void checkUpdate(Document oldDocument, Document newDocument, MongoCollection<Integer> collection) {
            // Not unique: nothing to refuse.
        }

        @Override
        public synchronized void updateInPlace(Document oldDocument, Document newDocument, Integer position,
                MongoCollection<Integer> collection) {
            Set<KeyValue> before = getKeyValues(oldDocument);
            Set<KeyValue> after = getKeyValues(newDocument);
            if (!before.equals(after) || !java.util.Objects.equals(oldDocument.get("_id"), newDocument.get("_id"))) {
                remove(oldDocument);
                add(newDocument, position, collection);
            }
        }

        @Override
        public boolean isUnique() {
            return false;
        }

        @Override
        public synchronized void drop() {
            positions.clear();
            count = 0;
        }
    }
}
