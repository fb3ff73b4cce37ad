package org.mfc.fhir.api.search;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Where a page ended, carried by the {@code next} link's {@code _cursor}: the sort key of its last entry and that
 * entry's id as the tie-break (keyset paging). The next page starts right after it in index order, so page 1,000 costs
 * what page 1 costs. Opaque to clients; a cursor that does not decode is a 400 naming {@code _cursor}. It grants
 * nothing: the query it is used with applies the caller's filters and compartment as always.
 *
 * @param effective the last entry's effective time, or null for searches ordered by id only
 */
public record PageCursor(Instant effective, String id) {

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    public String encode() {
        String text = (effective == null ? "i" : "t" + effective.toEpochMilli()) + "|" + id;
        return ENCODER.encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static PageCursor decode(String parameter, String encoded, boolean timed) {
        try {
            if (encoded.length() > 512) {
                throw new IllegalArgumentException();
            }
            String text = new String(DECODER.decode(encoded), StandardCharsets.UTF_8);
            int bar = text.indexOf('|');
            if (bar < 1 || bar == text.length() - 1) {
                throw new IllegalArgumentException();
            }
            String id = text.substring(bar + 1);
            if (timed && text.charAt(0) == 't') {
                return new PageCursor(Instant.ofEpochMilli(Long.parseLong(text.substring(1, bar))), id);
            }
            if (!timed && text.charAt(0) == 'i' && bar == 1) {
                return new PageCursor(null, id);
            }
            throw new IllegalArgumentException();
        } catch (IllegalArgumentException e) {
            throw InvalidParameter.invalid(parameter, "not a cursor of this search (follow the next link as given)");
        }
    }
}
