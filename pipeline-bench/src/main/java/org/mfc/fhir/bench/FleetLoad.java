package org.mfc.fhir.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The options the AVA4-fleet benchmarks share: the API, how hard and how long to load it, with how many boxes, where
 * the results go, which databases to read back, and the request headers (bearer token from {@code --token}).
 */
record FleetLoad(URI url, int rate, int seconds, int devices, Path out, String mainDb, String fhirDb,
        Map<String, String> headers) {

    static FleetLoad from(Map<String, String> a, int defaultRate, String defaultOut) {
        Map<String, String> headers = new HashMap<>(Map.of("Content-Type", "application/json"));
        if (a.containsKey("token")) {
            headers.put("Authorization", "Bearer " + a.get("token"));
        }
        return new FleetLoad(URI.create(a.getOrDefault("url", "http://127.0.0.1:8080")),
                Integer.parseInt(a.getOrDefault("rate", Integer.toString(defaultRate))),
                Integer.parseInt(a.getOrDefault("seconds", "60")), Integer.parseInt(a.getOrDefault("devices", "1000")),
                Path.of(a.getOrDefault("out", defaultOut)), a.getOrDefault("main-db", "AMY"),
                a.getOrDefault("fhir-db", "MFC_FHIR_R5"), headers);
    }
}
