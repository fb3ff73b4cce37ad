package org.mfc.fhir.ingest;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** OpenTelemetry on (OTEL_SDK_DISABLED=false); spans are exported nowhere that answers, which the test ignores. */
public class TracingProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.otel.sdk.disabled", "false",
                "quarkus.otel.exporter.otlp.traces.endpoint", "http://127.0.0.1:9",
                "quarkus.log.category.\"io.opentelemetry\".level", "OFF");
    }
}
