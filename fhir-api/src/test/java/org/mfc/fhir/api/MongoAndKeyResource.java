package org.mfc.fhir.api;

import java.util.Map;

import org.mfc.fhir.core.testing.TestJwt;
import org.mfc.fhir.infra.MongoWireServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The read API needs only MongoDB: an in-memory wire server for the JVM (no broker), and the test run's JWT key.
 */
public class MongoAndKeyResource implements QuarkusTestResourceLifecycleManager {

    private static MongoWireServer mongo;

    static synchronized String connectionString() {
        if (mongo == null) {
            mongo = MongoWireServer.inMemory().start(0);
            Runtime.getRuntime().addShutdownHook(new Thread(mongo::close));
        }
        return mongo.connectionString();
    }

    @Override
    public Map<String, String> start() {
        return Map.of("quarkus.mongodb.connection-string", connectionString(),
                "mp.jwt.verify.publickey.location", TestJwt.shared().publicKeyPem().toAbsolutePath().toString());
    }

    @Override
    public void stop() {
        // The server lives for the JVM: later test classes reuse it.
    }
}
