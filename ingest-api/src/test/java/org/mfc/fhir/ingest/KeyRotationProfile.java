package org.mfc.fhir.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

import org.mfc.fhir.core.testing.TestJwt;
import org.mfc.fhir.infra.PipelineInfraResource;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The verification key in a file of its own that a test replaces (a key rotation), read again every 200 ms; none of
 * the suite-wide test resources (their key would be the shared one).
 */
public class KeyRotationProfile implements QuarkusTestProfile {

    static final TestJwt OLD_KEY = TestJwt.generate();
    static final TestJwt NEW_KEY = TestJwt.generate();
    static final Path KEY_FILE = keyFile();

    private static Path keyFile() {
        try {
            Path file = Files.createTempDirectory("mfc-key-rotation").resolve("jwt-public.pem");
            Files.copy(OLD_KEY.publicKeyPem(), file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("mp.jwt.verify.publickey.location", KEY_FILE.toString(),
                "token.keys-refresh", "200ms",
                "token.cache.ttl", "60s");
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(PipelineInfraResource.class));
    }
}
