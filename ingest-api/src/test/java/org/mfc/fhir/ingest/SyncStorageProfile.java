package org.mfc.fhir.ingest;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Async publishing off ({@code ENABLE_ASYNC_FHIR=false}): requests are stored synchronously. Own databases, and a
 * tiny rate limit (3 requests per client, no refill within a test) so the limit can be exercised.
 */
public class SyncStorageProfile implements QuarkusTestProfile {

    static final String MAIN_DB = "AMY_INGEST_SYNC";
    static final String FHIR_DB = "MFC_FHIR_R5_INGEST_SYNC";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "ingest.async-enabled", "false",
                "pipeline.main-db", MAIN_DB,
                "pipeline.fhir-db", FHIR_DB,
                "ingest.rate-limit.per-second", "0.001",
                "ingest.rate-limit.burst", "3");
    }
}
