package org.mfc.fhir.ingest;

import java.nio.file.Path;
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
    /** This service's log, as an operator's log collector reads it. */
    static final Path LOG_FILE = Path.of("target", "publish-circuit-test.log").toAbsolutePath();

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "mp.messaging.outgoing.readings-out.bootstrap.servers", ChildBroker.address(),
                "quarkus.log.file.enabled", "true",
                "quarkus.log.file.path", LOG_FILE.toString(),
                "ingest.publish-circuit.probe-delay", "500ms",
                "pipeline.main-db", MAIN_DB,
                "pipeline.fhir-db", FHIR_DB);
    }
}
