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

    // One directory per JVM: the profile and the test class see the same keys although each class loader runs this.
    private static final Path DIR = Path.of(System.getProperty("java.io.tmpdir"),
            "mfc-key-rotation-" + ProcessHandle.current().pid());
    static final TestJwt OLD_KEY = TestJwt.inDirectory(DIR.resolve("old"));
    static final TestJwt NEW_KEY = TestJwt.inDirectory(DIR.resolve("new"));
    static final Path KEY_FILE = keyFile();

    private static Path keyFile() {
        try {
            Path file = DIR.resolve("jwt-public.pem");
            if (!Files.exists(file)) {
                Files.copy(OLD_KEY.publicKeyPem(), file, StandardCopyOption.REPLACE_EXISTING);
                file.toFile().deleteOnExit();
            }
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
