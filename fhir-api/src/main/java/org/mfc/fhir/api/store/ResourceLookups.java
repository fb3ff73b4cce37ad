package org.mfc.fhir.api.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
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
 * Envelopes by id (reads, includes) and Patient and Device searches by identifier: the {@code _id} index and the
 * core's {@code identifier} index. Identifier searches page on {@code _id}: their matches are a handful, sorted after
 * the identifier range; a search without identifier walks the {@code _id} index from the previous page's last id.
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

    /** @param onlyId the compartment's restriction of a Patient search to one id, or null */
    public StoredPage search(IdentifierQuery q, String onlyId) {
        return MongoErrors.call("search " + q.type(), () -> {
            var collection = db.getCollection(FhirEnvelope.collection(q.type()));
            List<Bson> terms = new ArrayList<>();
            terms.add(Filters.ne("is_deleted", true));
            if (onlyId != null) {
                terms.add(Filters.eq("_id", onlyId));
            }
            Document hint = ReadIndexes.ID;
            if (!q.identifiers().isEmpty()) {
                // The values bound the identifier index; system and value must then hold in the same element.
                terms.add(Filters.in("resource_data.identifier.value",
                        q.identifiers().stream().map(TokenValue::code).distinct().toList()));
                terms.add(Filters.or(q.identifiers().stream().map(ResourceLookups::identifier).toList()));
                hint = ReadIndexes.IDENTIFIER;
            }
            if (q.countOnly()) {
                return new StoredPage(List.of(), null, collection.countDocuments(Filters.and(terms),
                        new CountOptions().hint(hint).maxTime(timeoutMs, TimeUnit.MILLISECONDS)));
            }
            if (q.afterId() != null) {
                terms.add(Filters.gt("_id", q.afterId()));
            }
            List<Document> found = collection.find(Filters.and(terms)).hint(hint).sort(Sorts.ascending("_id"))
                    .limit(q.count() + 1).maxTime(timeoutMs, TimeUnit.MILLISECONDS).into(new ArrayList<>());
            PageCursor next = null;
            if (found.size() > q.count()) {
                found = new ArrayList<>(found.subList(0, q.count()));
                next = new PageCursor(null, found.get(found.size() - 1).getString("_id"));
            }
            return new StoredPage(found, next, -1);
        });
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
