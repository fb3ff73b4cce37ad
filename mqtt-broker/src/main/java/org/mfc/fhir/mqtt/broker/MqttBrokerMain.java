package org.mfc.fhir.mqtt.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;

/**
 * The devices' MQTT broker: HiveMQ Community Edition embedded, MQTT 3.1.1 and 5, shared subscriptions, sessions and
 * queued messages persisted under the data directory (they survive a restart and a {@code kill -9}), credentials and
 * topic ACLs from an {@link AccessFile} enforced by {@link AccessControl}.
 *
 * <pre>
 * java -jar mqtt-broker/target/mqtt-broker.jar --port 1883 --data-dir .local/run/mqtt \
 *      --access-file mqtt-broker/config/access.conf
 * # prints: MQTT_READY 127.0.0.1:1883
 * </pre>
 *
 * Options (each also an environment variable, the option wins): {@code --port} ({@code MQTT_PORT}, 1883),
 * {@code --bind} ({@code MQTT_BIND}, 127.0.0.1; 0.0.0.0 in a container), {@code --data-dir}
 * ({@code MQTT_DATA_DIR}), {@code --access-file} ({@code MQTT_ACCESS_FILE}), {@code --max-packet-bytes}
 * ({@code MQTT_MAX_PACKET_BYTES}, 1049600: the ingest API's 1 MiB body limit plus the MQTT header),
 * {@code --max-queued-messages} ({@code MQTT_MAX_QUEUED_MESSAGES}, 1000000: per client and per shared subscription,
 * what waits while the ingest side is down). SIGTERM stops it cleanly.
 */
public final class MqttBrokerMain {

    public static final String READY_PREFIX = "MQTT_READY ";
    /** Set by a parent JVM (tests) so that the broker ends with it even when the parent is killed. */
    static final String PARENT_PID_PROPERTY = "org.mfc.fhir.infra.parent-pid";

    private MqttBrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        int port = Integer.parseInt(option(options, "port", "MQTT_PORT", "1883"));
        String bind = option(options, "bind", "MQTT_BIND", "127.0.0.1");
        Path dataDir = Path.of(required(options, "data-dir", "MQTT_DATA_DIR")).toAbsolutePath();
        Path accessFile = Path.of(required(options, "access-file", "MQTT_ACCESS_FILE"));
        long maxPacket = Long.parseLong(option(options, "max-packet-bytes", "MQTT_MAX_PACKET_BYTES", "1049600"));
        long maxQueued = Long.parseLong(option(options, "max-queued-messages", "MQTT_MAX_QUEUED_MESSAGES",
                "1000000"));

        AccessFile access = AccessFile.read(accessFile);
        EmbeddedHiveMQ broker = start(port, bind, dataDir, access, maxPacket, maxQueued);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                broker.stop().get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                // Exiting anyway: sessions already persisted stay on disk.
            }
        }, "mqtt-broker-shutdown"));
        watchParent();
        System.out.println(access.size() + " accounts from " + accessFile);
        System.out.println(READY_PREFIX + ("0.0.0.0".equals(bind) ? "127.0.0.1" : bind) + ":" + port);
        System.out.flush();
        Thread.currentThread().join();
    }

    /**
     * Starts a broker (returns once it accepts connections) with its configuration, sessions and queues under
     * {@code dataDir}: a broker started again on the same directory resumes every persistent session.
     */
    public static EmbeddedHiveMQ start(int port, String bind, Path dataDir, AccessFile access, long maxPacket,
            long maxQueued) throws IOException {
        Path conf = Files.createDirectories(dataDir.resolve("conf"));
        Files.writeString(conf.resolve("config.xml"), configXml(port, bind, maxPacket, maxQueued),
                StandardCharsets.UTF_8);
        Files.writeString(conf.resolve("logback.xml"), LOGBACK, StandardCharsets.UTF_8);
        EmbeddedHiveMQ broker = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(Files.createDirectories(dataDir.resolve("data")))
                .withExtensionsFolder(Files.createDirectories(dataDir.resolve("extensions")))
                .withEmbeddedExtension(EmbeddedExtension.builder().withId("mfc-access-control")
                        .withName("MFC access control").withVersion("1").withAuthor("MFC")
                        .withExtensionMain(new AccessControl(access)).build())
                .build();
        broker.start().join();
        return broker;
    }

    static String configXml(int port, String bind, long maxPacket, long maxQueued) {
        return """
                <?xml version="1.0"?>
                <hivemq>
                  <listeners>
                    <tcp-listener><port>%d</port><bind-address>%s</bind-address></tcp-listener>
                  </listeners>
                  <mqtt>
                    <queued-messages><max-queue-size>%d</max-queue-size><strategy>discard</strategy></queued-messages>
                    <packets><max-packet-size>%d</max-packet-size></packets>
                    <shared-subscriptions><enabled>true</enabled></shared-subscriptions>
                  </mqtt>
                  <persistence><mode>file</mode></persistence>
                  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                </hivemq>
                """.formatted(port, bind, maxQueued, maxPacket);
    }

    /** Start-up and warnings on stdout; HiveMQ's per-connection chatter stays off. */
    private static final String LOGBACK = """
            <configuration>
              <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [mqtt-broker] %msg%n</pattern></encoder>
              </appender>
              <logger name="com.hivemq" level="WARN"/>
              <logger name="jetbrains.exodus" level="WARN"/>
              <logger name="org.mfc" level="INFO"/>
              <root level="WARN"><appender-ref ref="CONSOLE"/></root>
            </configuration>
            """;

    private static void watchParent() {
        String parent = System.getProperty(PARENT_PID_PROPERTY);
        if (parent != null) {
            ProcessHandle.of(Long.parseLong(parent)).ifPresentOrElse(
                    p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(0)),
                    () -> Runtime.getRuntime().halt(0));
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option value pairs, got " + args[i]);
            }
            out.put(args[i].substring(2), args[++i]);
        }
        return out;
    }

    private static String option(Map<String, String> options, String name, String env, String fallback) {
        String v = options.get(name);
        if (v == null) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? fallback : v;
    }

    private static String required(Map<String, String> options, String name, String env) throws IOException {
        String v = option(options, name, env, null);
        if (v == null) {
            System.err.println("missing --" + name + " (or " + env + ")");
            System.exit(2);
        }
        return v;
    }
}
