package org.mfc.fhir.api.search;

import java.util.List;
import java.util.Map;

/**
 * A parsed search and the parameters it applied, in the order the links repeat them (FHIR: the self link shows what
 * the server used; parameters ignored under lenient handling are left out).
 */
public record ParsedSearch<Q>(Q query, List<Map.Entry<String, String>> applied) {
}
