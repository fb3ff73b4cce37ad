package org.mfc.fhir.ingest;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.mfc.fhir.core.testing.TestJwt;
import org.mfc.fhir.infra.PipelineInfraResource;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The verification key location names a file that does not exist when the API starts (a secret mounted at another
 * path); the test puts the key there later. Read again every 200 ms; none of the suite-wide test resources (their key
 * would be the shared one).
 */
public class MissingKeyProfile implements QuarkusTestProfile {

    // One directory per JVM: the profile and the test class see the same paths although each class loader runs this.
    private static final Path DIR = Path.of(System.getProperty("java.io.tmpdir"),
            "mfc-missing-key-" + ProcessHandle.current().pid());
    static final TestJwt KEY = TestJwt.inDirectory(DIR.resolve("issuer"));
    static final Path KEY_FILE = DIR.resolve("mounted").resolve("jwt-public.pem");

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("mp.jwt.verify.publickey.location", KEY_FILE.toString(), "token.keys-refresh", "200ms");
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
