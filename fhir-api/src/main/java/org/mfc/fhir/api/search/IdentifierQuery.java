package org.mfc.fhir.api.search;

import java.util.List;

/**
 * A parsed Patient or Device search.
 *
 * @param identifiers OR-ed {@code identifier} tokens; empty lists every resource of the type
 * @param afterId     the last id of the previous page, or null
 */
public record IdentifierQuery(String type, List<TokenValue> identifiers, int count, boolean countOnly,
        String afterId) {
}
