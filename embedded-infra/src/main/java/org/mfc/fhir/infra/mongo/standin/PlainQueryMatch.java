package org.mfc.fhir.infra.mongo.standin;

import java.util.List;
import java.util.Map;

import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;

/**
 * The answer to the query shapes of the pipeline's steady-state writes, which the stand-in otherwise gives with
 * mongo-java-server's general matcher: that one splits every key with a regular expression and walks every array
 * through streams, so the guard of a legacy append ({@code {patient_id: p, "data.fhir_observation_id": {$ne: id}}})
 * cost more than the append, and grew with the bucket.
 * <p>
 * Decided here, and only when every term of the query is: an equality on a top-level field with a string, ObjectId
 * or boolean value, {@code $ne} with such a value on a top-level field or on {@code a.b}, a regular expression on a
 * top-level field (the registry look-ups), and {@code $and} and {@code $or} of those. A stored value outside those
 * types, null and (for {@code a.b}) an array of documents leaves the query undecided ({@code null}), and the caller
 * asks the stock matcher; so the answer is always the stock one.
 */
final class PlainQueryMatch {

    private PlainQueryMatch() {
    }

    /** Whether the document matches, or null when this query or this document is not one decided here. */
    static Boolean matches(Document document, Document query) {
        if (query.isEmpty()) {
            return null;
        }
        // Every term is decided before answering: an undecided one may be a query the stock matcher refuses.
        boolean all = true;
        for (Map.Entry<String, Object> term : query.entrySet()) {
            Boolean matched = term(document, term.getKey(), term.getValue());
            if (matched == null) {
                return null;
            }
            all &= matched;
        }
        return all;
    }

    private static Boolean term(Document document, String key, Object condition) {
        if (key.equals("$and")) {
            return all(document, condition, true);
        }
        if (key.equals("$or")) {
            return all(document, condition, false);
        }
        if (key.isEmpty() || key.charAt(0) == '$') {
            return null;
        }
        if (isPlainValue(condition)) {
            return key.indexOf('.') < 0 ? equalsStored(condition, document.get(key)) : null;
        }
        if (condition instanceof BsonRegularExpression regex) {
            return key.indexOf('.') < 0 ? regexStored(regex, document.get(key)) : null;
        }
        if (condition instanceof Document operator && operator.size() == 1
                && isPlainValue(operator.get("$ne"))) {
            Boolean equal = anyEqual(document, key, operator.get("$ne"));
            return equal == null ? null : !equal;
        }
        return null;
    }

    /** {@code $and} ({@code conjunction}) or {@code $or} of queries, every one of them decided. */
    private static Boolean all(Document document, Object terms, boolean conjunction) {
        if (!(terms instanceof List<?> list) || list.isEmpty()) {
            return null;
        }
        boolean result = conjunction;
        for (Object term : list) {
            if (!(term instanceof Document query)) {
                return null;
            }
            Boolean matched = matches(document, query);
            if (matched == null) {
                return null;
            }
            result = conjunction ? result && matched : result || matched;
        }
        return result;
    }

    /**
     * Whether the value at {@code path} (a field, or {@code a.b} across a document or an array of documents) equals
     * {@code value}; null when the stored shape is not one decided here.
     */
    private static Boolean anyEqual(Document document, String path, Object value) {
        int dot = path.indexOf('.');
        if (dot < 0) {
            return equalsStored(value, document.get(path));
        }
        String outer = path.substring(0, dot);
        String inner = path.substring(dot + 1);
        if (outer.isEmpty() || !isPlainName(inner)) {
            return null;
        }
        Object stored = document.get(outer);
        if (stored == null) {
            return false;
        }
        if (stored instanceof Document sub) {
            return equalsStored(value, sub.get(inner));
        }
        if (stored instanceof List<?> elements) {
            for (Object element : elements) {
                if (!(element instanceof Document entry)) {
                    return null;
                }
                Boolean equal = equalsStored(value, entry.get(inner));
                if (equal == null) {
                    return null;
                }
                if (equal) {
                    return true;
                }
            }
            return false;
        }
        return null;
    }

    /** A stored value against a plain value: equal, not equal, or null for a value not decided here. */
    private static Boolean equalsStored(Object value, Object stored) {
        if (stored == null) {
            return false;
        }
        if (isPlainValue(stored)) {
            return value.equals(stored);
        }
        return null;
    }

    /** A regular expression against a stored value: found in a string, absent, or null for a value not decided. */
    private static Boolean regexStored(BsonRegularExpression regex, Object stored) {
        if (stored == null) {
            return false;
        }
        if (stored instanceof String text) {
            return regex.matcher(text).find();
        }
        return null;
    }

    private static boolean isPlainValue(Object value) {
        return value instanceof String || value instanceof ObjectId || value instanceof Boolean;
    }

    /** A field name: no further dot, not an array index, not an operator. */
    private static boolean isPlainName(String name) {
        if (name.isEmpty() || name.charAt(0) == '$' || name.indexOf('.') >= 0) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!Character.isDigit(name.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
