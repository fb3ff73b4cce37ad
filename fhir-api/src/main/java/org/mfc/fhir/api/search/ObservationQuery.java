package org.mfc.fhir.api.search;

import java.util.List;
import java.util.Set;

/**
 * A parsed Observation search.
 *
 * @param patientId  from {@code patient} or {@code subject}, or null
 * @param codes      OR-ed {@code code} tokens, empty when absent
 * @param categories OR-ed {@code category} tokens, empty when absent
 * @param deviceId   from {@code device}, or null
 * @param dates      the intersection of every {@code date}
 * @param ascending  {@code _sort=date}
 * @param count      entries per page (already capped); 0 with {@code countOnly}
 * @param countOnly  {@code _summary=count} or {@code _count=0}
 * @param includes   {@code _include} values
 * @param after      where the previous page ended, or null for the first page
 */
public record ObservationQuery(String patientId, List<TokenValue> codes, List<TokenValue> categories, String deviceId,
        DateRange dates, boolean ascending, int count, boolean countOnly, Set<String> includes, PageCursor after) {
}
