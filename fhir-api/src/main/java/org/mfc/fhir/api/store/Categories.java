package org.mfc.fhir.api.store;

import java.util.List;

import org.bson.Document;
import org.mfc.fhir.api.search.TokenValue;

/** The category filter evaluated on a stored envelope, the same test as {@link ObservationQueries#category}. */
final class Categories {

    private Categories() {
    }

    static boolean matches(Document envelope, List<TokenValue> tokens) {
        Document resource = envelope.get("resource_data", Document.class);
        if (resource == null) {
            return false;
        }
        for (Object category : resource.getList("category", Object.class, List.of())) {
            if (!(category instanceof Document concept)) {
                continue;
            }
            for (Object coding : concept.getList("coding", Object.class, List.of())) {
                if (coding instanceof Document c) {
                    for (TokenValue t : tokens) {
                        if (matches(c, t)) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    private static boolean matches(Document coding, TokenValue t) {
        if (t.code() != null && !t.code().equals(coding.get("code"))) {
            return false;
        }
        if (t.system() == null) {
            return true;
        }
        return t.system().isEmpty() ? coding.get("system") == null : t.system().equals(coding.get("system"));
    }
}
