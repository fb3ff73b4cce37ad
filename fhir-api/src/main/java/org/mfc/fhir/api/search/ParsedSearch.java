package org.mfc.fhir.api.search;

import java.util.List;
import java.util.Map;

/**
 * A parsed search and the parameters it applied, in the order the links repeat them (FHIR: the self link shows what
 * the server used; parameters ignored under lenient handling are left out).
 *
 * @param cursor the {@code _cursor} of the page asked for (its self link repeats it), or null for a first page
 */
public record ParsedSearch<Q>(Q query, List<Map.Entry<String, String>> applied, String cursor) {

    public ParsedSearch(Q query, List<Map.Entry<String, String>> applied) {
        this(query, applied, null);
    }
}
