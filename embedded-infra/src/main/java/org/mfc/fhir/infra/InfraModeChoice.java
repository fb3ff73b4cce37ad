package org.mfc.fhir.infra;

import java.util.Locale;
import java.util.Optional;

/**
 * Decides between {@link InfraMode#CONTAINERS} and {@link InfraMode#EMBEDDED}, and says why (for the log line).
 *
 * <p>The override {@value #OVERRIDE} ({@code embedded} or {@code containers}, as a system property or environment
 * variable; the system property wins) forces a mode, e.g. to run the embedded servers on a laptop that has Docker,
 * or to insist on real MongoDB. Without it, containers are used exactly when Docker is usable.
 */
record InfraModeChoice(InfraMode mode, String reason) {

    /** The name of the system property and environment variable that forces a mode. */
    static final String OVERRIDE = "PIPELINE_INFRA";

    static InfraModeChoice decide() {
        Optional<String> forced = Optional.ofNullable(System.getProperty(OVERRIDE))
                .or(() -> Optional.ofNullable(System.getenv(OVERRIDE)))
                .map(String::trim)
                .filter(value -> !value.isEmpty());
        if (forced.isPresent()) {
            return new InfraModeChoice(parse(forced.get()), "forced by " + OVERRIDE + "=" + forced.get());
        }
        return DockerProbe.whyUnavailable()
                .map(reason -> new InfraModeChoice(InfraMode.EMBEDDED, reason))
                .orElseGet(() -> new InfraModeChoice(InfraMode.CONTAINERS, "Docker is available"));
    }

    private static InfraMode parse(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "embedded" -> InfraMode.EMBEDDED;
            case "containers" -> InfraMode.CONTAINERS;
            default -> throw new IllegalArgumentException(
                    OVERRIDE + " must be 'embedded' or 'containers', not '" + value + "'");
        };
    }
}
