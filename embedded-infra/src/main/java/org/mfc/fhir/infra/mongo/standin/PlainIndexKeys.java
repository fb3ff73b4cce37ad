package org.mfc.fhir.infra.mongo.standin;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;

/**
 * The key of a document in an index over top-level fields, for the common case where every indexed field holds a
 * string, an ObjectId or a date: mongo-java-server's {@code Index.getKeyValues} builds the same single key through a
 * map, several streams and a path split per field, on every insert and for every index (twice for the unique
 * {@code _id} index), which made key extraction a sixth of the stand-in's work in a bulk insert. Those three value
 * types are their own normalised form there, so the key is identical; any other case (a dotted path, an array, a
 * number, null or a missing field) goes to the stock code.
 */
final class PlainIndexKeys {

    /** The indexed field names, or null when one is a path (the fast case never applies). */
    private final String[] fields;

    PlainIndexKeys(List<IndexKey> keys) {
        String[] names = new String[keys.size()];
        for (int i = 0; i < names.length; i++) {
            String key = keys.get(i).getKey();
            if (key.indexOf('.') >= 0 || key.startsWith("$")) {
                names = null;
                break;
            }
            names[i] = key;
        }
        this.fields = names;
    }

    /**
     * @param stock the index's own computation, for every other case
     * @return the document's keys in the index
     */
    Set<KeyValue> keyValues(Document document, Function<Document, Set<KeyValue>> stock) {
        if (fields == null) {
            return stock.apply(document);
        }
        Object[] values = new Object[fields.length];
        for (int i = 0; i < fields.length; i++) {
            Object value = document.get(fields[i]);
            if (!(value instanceof String || value instanceof ObjectId || value instanceof Instant)) {
                return stock.apply(document);
            }
            values[i] = value;
        }
        return Collections.singleton(new KeyValue(values));
    }
}
