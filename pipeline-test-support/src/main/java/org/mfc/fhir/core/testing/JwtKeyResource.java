package org.mfc.fhir.core.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Points the service at the test run's generated public key ({@link TestJwt#shared()}). */
public class JwtKeyResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("mp.jwt.verify.publickey.location", TestJwt.shared().publicKeyPem().toAbsolutePath().toString());
    }

    @Override
    public void stop() {
        // The key files live for the JVM: later test classes and profiles reuse them.
    }
}
