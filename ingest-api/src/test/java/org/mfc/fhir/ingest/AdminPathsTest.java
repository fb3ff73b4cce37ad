package org.mfc.fhir.ingest;

import org.mfc.fhir.core.testing.JwtKeyResource;
import org.mfc.fhir.infra.PipelineInfraResource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Admin and look-up paths on a broker without authentication (PLAINTEXT). */
@QuarkusTest
@QuarkusTestResource(value = PipelineInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtKeyResource.class, restrictToAnnotatedClass = false)
class AdminPathsTest extends AdminPathsTests {
}
