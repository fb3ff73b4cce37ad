package org.mfc.fhir.api.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/**
 * The read API's own settings; the database names are the shared {@code PipelineConfig}. Defaults are in
 * {@code application.properties}, beside the environment variable that sets each.
 */
@ConfigMapping(prefix = "fhir-api")
public interface FhirApiConfig {

    /** Entries per search page when the client sends no {@code _count} ({@code FHIR_API_DEFAULT_COUNT}). */
    int defaultCount();

    /** Most entries per search page; a larger {@code _count} is lowered to this ({@code FHIR_API_MAX_COUNT}). */
    int maxCount();

    /** Most Observations per code that {@code $lastn} returns; a larger {@code max} is lowered to this. */
    int lastnMax();

    /** Most comma-separated values in one parameter and most repetitions of one parameter (400 above). */
    int maxValues();

    /** Longest time one database query may run on the server ({@code maxTimeMS}); 503 when exceeded. */
    Duration queryTimeout();

    /** What an unknown search parameter does without a {@code Prefer: handling=} header: lenient or strict. */
    String defaultHandling();

    /**
     * Absolute base of the links and {@code fullUrl}s ({@code https://fhir.example.org/fhir}); empty: derived from
     * the request (scheme, host and port the client used), which is right unless a proxy rewrites them.
     */
    Optional<String> baseUrl();

    /**
     * The token endpoint of the authorization server that issues this API's tokens
     * ({@code FHIR_API_SMART_TOKEN_ENDPOINT}); when set, {@code /fhir/.well-known/smart-configuration} publishes it
     * for SMART backend-services clients and the CapabilityStatement declares SMART-on-FHIR. Empty: no discovery
     * document (404) and the security service is declared as OAuth.
     */
    Optional<String> smartTokenEndpoint();
}
