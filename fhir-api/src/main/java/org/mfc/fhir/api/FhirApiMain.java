package org.mfc.fhir.api;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Starts the read API with the HTTP layer's request-line check off. FHIR token searches carry a {@code |}
 * ({@code code=http://loinc.org|85354-9}), which browsers' {@code fetch} and curl send unencoded; Quarkus refused
 * such a request before any handler with an empty 400 ({@code java.net.URI} does not allow the character). The
 * query is decoded by the REST layer instead, and a malformed one is answered with an OperationOutcome naming it.
 * An explicit {@code -Dvertx.disableURIValidation} is respected.
 */
@QuarkusMain
public final class FhirApiMain {

    static final String URI_VALIDATION = "vertx.disableURIValidation";

    private FhirApiMain() {
    }

    public static void main(String... args) {
        if (System.getProperty(URI_VALIDATION) == null) {
            System.setProperty(URI_VALIDATION, "true");
        }
        Quarkus.run(args);
    }
}
