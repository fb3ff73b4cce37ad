package org.mfc.fhir.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The JVM-wide MQTT broker of the tests: the packaged {@code mqtt-broker} as a child JVM with the shipped access file
 * ({@code mqtt-broker/config/access.conf}, so tests exercise the ACLs that ship) and the test passwords of
 * {@link #PASSWORDS}. Started on first use, ended with the JVM. The same jar is what {@code scripts/run-local.sh}
 * runs and the compose image contains, so there is no container variant: Docker would run the same code.
 */
public final class MqttInfra {

    /** Account names of the shipped access file. */
    public static final String AVA4 = "ava4";
    public static final String KATI = "kati";
    public static final String QUBE_VITAL = "qube-vital";
    public static final String INGEST = "ingest";

    /** The environment the shipped access file reads its passwords from, with the tests' values. */
    public static final Map<String, String> PASSWORDS = Map.of(
            "MQTT_AVA4_PASSWORD", "test-ava4-password",
            "MQTT_KATI_PASSWORD", "test-kati-password",
            "MQTT_QUBE_VITAL_PASSWORD", "test-qube-vital-password",
            "MQTT_INGEST_PASSWORD", "test-ingest-password");

    private static MqttInfra shared;

    private final ChildProcess broker;

    private MqttInfra(ChildProcess broker) {
        this.broker = broker;
    }

    public static synchronized MqttInfra shared() {
        if (shared == null) {
            try {
                Path dir = Files.createTempDirectory("mqtt-infra");
                shared = new MqttInfra(brokerIn(dir).start());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    /** A broker of its own (not started yet) with its data in {@code dir}, for tests that kill or restart it. */
    public static ChildProcess brokerIn(Path dir) {
        return ChildProcess.mqttBroker(dir, MqttBrokerJar.accessFile(), PASSWORDS);
    }

    /** The password of one of the shipped accounts. */
    public static String password(String account) {
        return PASSWORDS.get("MQTT_" + account.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_PASSWORD");
    }

    public String host() {
        return host(broker.address());
    }

    public int port() {
        return port(broker.address());
    }

    static String host(String address) {
        return URI.create("tcp://" + address).getHost();
    }

    static int port(String address) {
        return URI.create("tcp://" + address).getPort();
    }

    /** Port of a broker child's address ({@code 127.0.0.1:PORT}). */
    public static int portOf(ChildProcess broker) {
        return port(broker.address());
    }
}
