package org.mfc.fhir.infra.mongo.standin;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import de.bwaldvogel.mongo.backend.ArrayFilters;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.NumericUtils;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.bson.Document;

/**
 * An update that the stand-in applies to the stored document itself, where mongo-java-server copies the whole
 * document twice (the old state, then a new document built from it), checks every field name of the result and
 * compares the two copies: for a legacy bucket of hundreds of entries that is most of an append's cost, and it grows
 * with the bucket. The result is the document the stock path builds, field for field and in the same field order.
 * <p>
 * Only the plain form takes this path: {@code $set}, {@code $inc}, {@code $push} of one value and
 * {@code $setOnInsert} (nothing to do on an existing document), on top-level fields that no index covers and that
 * no two operators share, without array filters. Everything else, and every update the stock path would refuse for
 * this document (a push onto a non-array, an increment of a non-number, a field name it rejects), goes the stock
 * way, which also reports the error.
 */
final class InPlaceUpdate {

    private record Change(String operator, String field, Object value) {
    }

    private final List<Change> changes;

    private InPlaceUpdate(List<Change> changes) {
        this.changes = changes;
    }

    /** The update as an in-place one, or null when it must take the stock path. */
    static InPlaceUpdate of(Document update, ArrayFilters arrayFilters, List<? extends Index<?>> indexes,
            String idField) {
        if (update.isEmpty() || (arrayFilters != null && !arrayFilters.isEmpty())) {
            return null;
        }
        List<Change> changes = new ArrayList<>();
        Set<String> fields = new HashSet<>();
        Document written = new Document();
        for (Map.Entry<String, Object> op : update.entrySet()) {
            String operator = op.getKey();
            if (!(op.getValue() instanceof Document fieldValues) || !isSupported(operator)) {
                return null;
            }
            for (Map.Entry<String, Object> change : fieldValues.entrySet()) {
                String field = change.getKey();
                Object value = change.getValue();
                if (!isPlainField(field, idField) || !fields.add(field) || isIndexed(field, indexes)) {
                    return null;
                }
                switch (operator) {
                    case "$inc" -> {
                        if (!(value instanceof Number)) {
                            return null;
                        }
                    }
                    case "$push" -> {
                        if (value instanceof Document d && !d.isEmpty() && d.keySet().iterator().next()
                                .startsWith("$")) {
                            return null; // $each, $slice, $sort, $position
                        }
                        written.put(field, value);
                    }
                    case "$set" -> written.put(field, value);
                    default -> {
                        // $setOnInsert: applies to an inserted document only.
                    }
                }
                changes.add(new Change(operator, field, value));
            }
        }
        try {
            Utils.validateFieldNames(written);
        } catch (RuntimeException refused) {
            return null;
        }
        return new InPlaceUpdate(changes);
    }

    private static boolean isSupported(String operator) {
        return switch (operator) {
            case "$set", "$inc", "$push", "$setOnInsert" -> true;
            default -> false;
        };
    }

    private static boolean isPlainField(String field, String idField) {
        return !field.isEmpty() && field.indexOf('.') < 0 && !field.startsWith("$") && !field.equals(idField);
    }

    private static boolean isIndexed(String field, List<? extends Index<?>> indexes) {
        for (Index<?> index : indexes) {
            for (IndexKey key : index.getKeys()) {
                String k = key.getKey();
                if (k.equals(field) || k.startsWith(field + ".")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether the stock path would apply this update to the document without an error. */
    boolean appliesTo(Document document) {
        for (Change c : changes) {
            boolean present = document.containsKey(c.field());
            Object current = document.get(c.field());
            if (c.operator().equals("$inc") && present && !(current instanceof Number)) {
                return false;
            }
            if (c.operator().equals("$push") && present && !(current instanceof List)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Applies the update to the document, in the update's order (a new field is added after the existing ones, as
     * the stock path adds it).
     *
     * @return whether the document changed
     */
    boolean apply(Document document) {
        boolean modified = false;
        for (Change c : changes) {
            String field = c.field();
            boolean present = document.containsKey(field);
            Object current = document.get(field);
            switch (c.operator()) {
                case "$set" -> {
                    if (!present || !Objects.equals(current, c.value())) {
                        document.put(field, c.value());
                        modified = true;
                    }
                }
                case "$inc" -> {
                    Number sum = present ? NumericUtils.addNumbers((Number) current, (Number) c.value())
                            : (Number) c.value();
                    if (!present || !sum.equals(current)) {
                        document.put(field, sum);
                        modified = true;
                    }
                }
                case "$push" -> {
                    List<Object> list = new ArrayList<>();
                    if (present) {
                        @SuppressWarnings("unchecked")
                        List<Object> existing = (List<Object>) current;
                        list = existing instanceof ArrayList<Object> mutable ? mutable : new ArrayList<>(existing);
                    }
                    list.add(c.value());
                    document.put(field, list);
                    modified = true;
                }
                default -> {
                    // $setOnInsert: nothing on an existing document.
                }
            }
        }
        return modified;
    }
}
