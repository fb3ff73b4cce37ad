package org.mfc.fhir.infra;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the packaged MQTT broker is: {@code -Dmqtt.broker.jar=...}, else {@code mqtt-broker/target/mqtt-broker.jar}
 * in the first directory up from the working directory that has one (tests run in a module directory, scripts at the
 * repository root). The broker runs from its own jar and class path: HiveMQ's libraries must not meet Kafka's and
 * Quarkus' in one JVM.
 */
public final class MqttBrokerJar {

    static final String PROPERTY = "mqtt.broker.jar";
    private static final Path RELATIVE = Path.of("mqtt-broker", "target", "mqtt-broker.jar");

    private MqttBrokerJar() {
    }

    public static Path locate() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null) {
            return Path.of(configured);
        }
        Path found = fromRepository(RELATIVE);
        if (found == null) {
            throw new IllegalStateException(RELATIVE + " not found above " + Path.of("").toAbsolutePath()
                    + ": package the mqtt-broker module first (./mvnw verify does)");
        }
        return found;
    }

    /** The shipped access file, {@code mqtt-broker/config/access.conf}. */
    public static Path accessFile() {
        Path found = fromRepository(Path.of("mqtt-broker", "config", "access.conf"));
        if (found == null) {
            throw new IllegalStateException("mqtt-broker/config/access.conf not found above "
                    + Path.of("").toAbsolutePath());
        }
        return found;
    }

    private static Path fromRepository(Path relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(relative);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
