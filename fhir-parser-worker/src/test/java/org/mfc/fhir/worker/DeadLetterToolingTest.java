package org.mfc.fhir.worker;

import org.mfc.fhir.core.testing.JwtKeyResource;
import org.mfc.fhir.infra.PipelineInfraResource;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Dead-letter tooling on a broker without authentication (PLAINTEXT). */
@QuarkusTest
@WithTestResource(value = PipelineInfraResource.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
@WithTestResource(value = JwtKeyResource.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
class DeadLetterToolingTest extends DeadLetterToolingTests {
}
