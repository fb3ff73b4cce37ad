package org.mfc.fhir.infra;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * For plain JUnit 5 tests (no Quarkus): {@code @ExtendWith(PipelineInfraExtension.class)} makes sure the JVM-wide
 * {@link PipelineInfra} is up before the class's tests run, and injects it into test and lifecycle method parameters
 * of type {@link PipelineInfra}.
 */
public class PipelineInfraExtension implements BeforeAllCallback, ParameterResolver {

    @Override
    public void beforeAll(ExtensionContext context) {
        PipelineInfra.shared();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == PipelineInfra.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return PipelineInfra.shared();
    }
}
