package org.mfc.fhir.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Neither the broker nor MongoDB listens where the service looks for them, from start-up on: the service must still
 * start (indexes are created in the background), answer 503 with Retry-After, and report not ready.
 */
public class BothDownProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "mp.messaging.outgoing.readings-out.bootstrap.servers", "127.0.0.1:" + closedPort(),
                "mp.messaging.outgoing.readings-out.max.block.ms", "500",
                "mp.messaging.outgoing.readings-out.request.timeout.ms", "500",
                "mp.messaging.outgoing.readings-out.delivery.timeout.ms", "1000",
                "ingest.publish-timeout", "2s",
                "ingest.admin-timeout", "1s",
                "quarkus.mongodb.connection-string", "mongodb://127.0.0.1:" + closedPort(),
                "quarkus.mongodb.server-selection-timeout", "500ms",
                "quarkus.mongodb.connect-timeout", "500ms");
    }

    private static int closedPort() {
        try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
