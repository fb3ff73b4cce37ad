package org.mfc.fhir.ingest;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The readings producer talks to a broker of its own, in a child JVM the test can kill with SIGKILL and restart on
 * the same port and log. The producer keeps its production bounds (publish timeout 7 s): what makes requests fast
 * during the outage must be the publishing circuit, not short timeouts.
 */
public class PublishCircuitProfile implements QuarkusTestProfile {

    static final String MAIN_DB = "AMY_INGEST_CIRCUIT";
    static final String FHIR_DB = "MFC_FHIR_R5_INGEST_CIRCUIT";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "mp.messaging.outgoing.readings-out.bootstrap.servers", ChildBroker.address(),
                "ingest.publish-circuit.probe-delay", "500ms",
                "pipeline.main-db", MAIN_DB,
                "pipeline.fhir-db", FHIR_DB);
    }
}
