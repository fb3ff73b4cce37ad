package org.mfc.fhir.api.store;

import java.util.List;

import org.bson.Document;
import org.mfc.fhir.api.search.PageCursor;

/**
 * One page of stored envelopes in result order, and where the next page starts (null on the last page).
 *
 * @param total the number of matches, for {@code _summary=count}; -1 when not counted
 */
public record StoredPage(List<Document> envelopes, PageCursor next, long total) {
}
