package org.mfc.fhir.api.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.bson.Document;
import org.bson.conversions.Bson;
import org.mfc.fhir.api.search.IdentifierQuery;
import org.mfc.fhir.api.search.PageCursor;
import org.mfc.fhir.api.search.TokenValue;
import org.mfc.fhir.core.fhir.FhirEnvelope;
import org.mfc.fhir.core.store.MongoErrors;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.CountOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;

/**
 * Envelopes by id (reads, includes) and Patient and Device searches: the {@code _id} index and the read API's
 * {@code identifier, _id} index. Searches page on {@code _id}: an identifier search reads each value's range in id
 * order from the previous page's last id; a search without identifier walks the {@code _id} index the same way.
 */
public final class ResourceLookups {

    private final MongoDatabase db;
    private final long timeoutMs;

    public ResourceLookups(MongoDatabase db, Duration timeout) {
        this.db = db;
        this.timeoutMs = timeout.toMillis();
    }

    /** The stored envelope of {@code type/id} (deleted ones included: the caller answers 410), or null. */
    public Document byId(String type, String id) {
        return MongoErrors.call("read " + type, () -> db.getCollection(FhirEnvelope.collection(type))
                .find(Filters.eq("_id", id)).hint(ReadIndexes.ID).maxTime(timeoutMs, TimeUnit.MILLISECONDS)
                .first());
    }

    /** The envelopes of {@code ids} that exist and are not deleted, in id order (includes). */
    public List<Document> byIds(String type, Collection<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return MongoErrors.call("include " + type, () -> db.getCollection(FhirEnvelope.collection(type))
                .find(Filters.and(Filters.in("_id", ids), Filters.ne("is_deleted", true))).hint(ReadIndexes.ID)
                .sort(Sorts.ascending("_id")).maxTime(timeoutMs, TimeUnit.MILLISECONDS).into(new ArrayList<>()));
    }

    /**
     * @param onlyId the compartment's restriction of a Patient search to one id, or null
     */
    public StoredPage search(IdentifierQuery q, String onlyId) {
        return MongoErrors.call("search " + q.type(), () -> {
            var collection = db.getCollection(FhirEnvelope.collection(q.type()));
            if (q.identifiers().isEmpty()) {
                Bson filter = and(Filters.ne("is_deleted", true), onlyId == null ? null : Filters.eq("_id", onlyId),
                        q.afterId() == null ? null : Filters.gt("_id", q.afterId()));
                if (q.countOnly()) {
                    return new StoredPage(List.of(), null, collection.countDocuments(filter, new CountOptions()
                            .hint(ReadIndexes.ID).maxTime(timeoutMs, TimeUnit.MILLISECONDS)));
                }
                return page(collection.find(filter).hint(ReadIndexes.ID).sort(Sorts.ascending("_id"))
                        .limit(q.count() + 1).maxTime(timeoutMs, TimeUnit.MILLISECONDS).into(new ArrayList<>()),
                        q.count());
            }
            // One range of the identifier index per value, in id order, merged here: the identifier array makes the
            // index multikey, where MongoDB would sort several values' matches in memory.
            Map<String, Document> merged = new TreeMap<>();
            for (String value : q.identifiers().stream().map(TokenValue::code).distinct().toList()) {
                List<TokenValue> tokens = q.identifiers().stream().filter(t -> t.code().equals(value)).toList();
                Bson filter = and(Filters.eq("resource_data.identifier.value", value),
                        Filters.or(tokens.stream().map(ResourceLookups::identifier).toList()),
                        Filters.ne("is_deleted", true), onlyId == null ? null : Filters.eq("_id", onlyId),
                        q.afterId() == null ? null : Filters.gt("_id", q.afterId()));
                var find = collection.find(filter).hint(ReadIndexes.IDENTIFIER_ID).sort(Sorts.ascending("_id"))
                        .maxTime(timeoutMs, TimeUnit.MILLISECONDS);
                if (!q.countOnly()) {
                    find.limit(q.count() + 1);
                }
                for (Document d : find) {
                    merged.putIfAbsent(d.getString("_id"), d);
                }
            }
            if (q.countOnly()) {
                return new StoredPage(List.of(), null, merged.size());
            }
            return page(new ArrayList<>(merged.values()), q.count());
        });
    }

    private static StoredPage page(List<Document> found, int count) {
        if (found.size() <= count) {
            return new StoredPage(found, null, -1);
        }
        List<Document> page = new ArrayList<>(found.subList(0, count));
        return new StoredPage(page, new PageCursor(null, page.get(page.size() - 1).getString("_id")), -1);
    }

    /** {@code $and} of the terms that are not null. */
    private static Bson and(Bson... terms) {
        List<Bson> present = new ArrayList<>();
        for (Bson t : terms) {
            if (t != null) {
                present.add(t);
            }
        }
        return Filters.and(present);
    }

    private static Bson identifier(TokenValue t) {
        if (t.system() == null) {
            return Filters.eq("resource_data.identifier.value", t.code());
        }
        return Filters.elemMatch("resource_data.identifier", Filters.and(
                t.system().isEmpty() ? Filters.exists("system", false) : Filters.eq("system", t.system()),
                Filters.eq("value", t.code())));
    }
}
