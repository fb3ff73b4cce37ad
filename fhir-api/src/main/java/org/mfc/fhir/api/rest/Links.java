package org.mfc.fhir.api.rest;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Absolute search links: the base, the path and the applied parameters, each value percent-encoded. */
final class Links {

    private Links() {
    }

    static String of(String base, String path, List<Map.Entry<String, String>> parameters, String cursor) {
        StringBuilder url = new StringBuilder(base).append('/').append(path);
        char sep = '?';
        for (Map.Entry<String, String> p : parameters) {
            url.append(sep).append(encode(p.getKey())).append('=').append(encode(p.getValue()));
            sep = '&';
        }
        if (cursor != null) {
            url.append(sep).append("_cursor=").append(cursor);
        }
        return url.toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
