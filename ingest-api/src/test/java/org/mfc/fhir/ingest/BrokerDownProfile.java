package org.mfc.fhir.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The readings channel points at a port where no broker listens, with short producer timeouts: every publish fails
 * and requests must fall back to synchronous storage.
 */
public class BrokerDownProfile implements QuarkusTestProfile {

    static final String MAIN_DB = "AMY_INGEST_BROKER_DOWN";
    static final String FHIR_DB = "MFC_FHIR_R5_INGEST_BROKER_DOWN";

    @Override
    public Map<String, String> getConfigOverrides() {
        String dead = "127.0.0.1:" + closedPort();
        return Map.of(
                "mp.messaging.outgoing.readings-out.bootstrap.servers", dead,
                "mp.messaging.outgoing.readings-out.max.block.ms", "500",
                "mp.messaging.outgoing.readings-out.request.timeout.ms", "500",
                "mp.messaging.outgoing.readings-out.delivery.timeout.ms", "1000",
                "ingest.publish-timeout", "2s",
                "ingest.admin-timeout", "1s",
                "pipeline.main-db", MAIN_DB,
                "pipeline.fhir-db", FHIR_DB);
    }

    private static int closedPort() {
        try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
