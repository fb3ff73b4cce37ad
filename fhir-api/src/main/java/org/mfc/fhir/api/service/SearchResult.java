package org.mfc.fhir.api.service;

import java.util.List;

import org.bson.Document;
import org.mfc.fhir.api.search.PageCursor;

/**
 * What a search found, ready to render: matches in order, included resources, the next page's cursor (null on the
 * last page) and the count (-1 when not asked for).
 */
public record SearchResult(List<Document> matches, List<Document> includes, PageCursor next, long total) {

    static final SearchResult EMPTY = new SearchResult(List.of(), List.of(), null, -1);

    static SearchResult emptyCounted(boolean counted) {
        return counted ? new SearchResult(List.of(), List.of(), null, 0) : EMPTY;
    }
}
