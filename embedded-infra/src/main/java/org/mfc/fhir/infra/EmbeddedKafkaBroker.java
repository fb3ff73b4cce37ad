package org.mfc.fhir.infra;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.jboss.logging.Logger;

/**
 * A real, single-node Apache Kafka broker (KRaft, combined broker and controller) running inside the current JVM.
 *
 * <p>Why: tests and local runs need Kafka's real semantics (partitions, idempotent producers, consumer groups,
 * transactions) on a machine without Docker. The broker jars start in about three seconds. This is the only class
 * that touches Kafka's internal server classes ({@link KafkaRaftServer}, {@link Formatter}, {@link KafkaConfig}):
 * they change between Kafka releases, so the blast radius of an upgrade is this file.
 *
 * <p>A broker started on a temporary directory deletes it on {@link #close()}. A broker started on a given directory
 * keeps it: if the directory is already formatted it is reused as is, so a restart on the same directory and ports
 * finds every record written before (also after the previous process was killed).
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedKafkaBroker.class);
    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final String SASL_LISTENER = "SASL_PLAINTEXT";
    /** The mechanism of the authenticated listener: what production brokers use with TLS (SASL_SSL). */
    public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";

    /**
     * A client listener that requires SCRAM authentication, next to the plain one (which the broker itself and the
     * creation of the user go through). Clients given {@link #saslBootstrapServers()} must authenticate as
     * {@code user}.
     */
    public record Scram(int port, String user, String password) {

        /** The {@code sasl.jaas.config} a client of this listener sets. */
        public String jaasConfig() {
            return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                    + "\" password=\"" + password + "\";";
        }

        /** The client settings (besides {@code bootstrap.servers}) that authenticate on this listener. */
        public Map<String, String> clientSettings() {
            return Map.of("security.protocol", SASL_LISTENER, SaslConfigs.SASL_MECHANISM, SCRAM_MECHANISM,
                    SaslConfigs.SASL_JAAS_CONFIG, jaasConfig());
        }
    }

    private final KafkaRaftServer server;
    private final Path logDir;
    private final boolean ownsLogDir;
    private final int port;
    private final int controllerPort;
    private final Scram scram;
    private boolean closed;

    private EmbeddedKafkaBroker(KafkaRaftServer server, Path logDir, boolean ownsLogDir, int port, int controllerPort,
            Scram scram) {
        this.server = server;
        this.logDir = logDir;
        this.ownsLogDir = ownsLogDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.scram = scram;
    }

    /** Starts a broker on free loopback ports and a temporary log directory that {@link #close()} deletes. */
    public static EmbeddedKafkaBroker start() {
        return start(Directories.createTemp("embedded-kafka-"), true, 0, 0);
    }

    /**
     * Starts a broker on the given log directory (created and formatted if needed, reused if already formatted) and
     * ports ({@code 0} picks a free one). The directory survives {@link #close()}.
     */
    public static EmbeddedKafkaBroker start(Path logDir, int port, int controllerPort) {
        return start(logDir, false, port, controllerPort, 0, null);
    }

    /**
     * As {@link #start(Path, int, int)}, but the broker tells clients to reach it on {@code advertisedPort} (on
     * 127.0.0.1) instead of the port it binds: a TCP proxy listening there (for network fault tests) then carries
     * every connection, not only the bootstrap one. The proxy must be listening before the broker starts, since the
     * readiness check already goes through the advertised address. {@code 0} advertises the bound port.
     */
    public static EmbeddedKafkaBroker start(Path logDir, int port, int controllerPort, int advertisedPort) {
        return start(logDir, false, port, controllerPort, advertisedPort, null);
    }

    /**
     * As {@link #start(Path, int, int)}, with a second client listener on {@code scram.port()} ({@code 0}: a free
     * one) that only admits clients authenticated with SCRAM as {@code scram.user()}: the set-up of a secured
     * cluster's clients, for tests of the services' Kafka security settings.
     */
    public static EmbeddedKafkaBroker startWithScram(Path logDir, int port, int controllerPort, Scram scram) {
        return start(logDir, false, port, controllerPort, 0, scram);
    }

    private static EmbeddedKafkaBroker start(Path logDir, boolean ownsLogDir, int port, int controllerPort) {
        return start(logDir, ownsLogDir, port, controllerPort, 0, null);
    }

    private static EmbeddedKafkaBroker start(Path logDir, boolean ownsLogDir, int port, int controllerPort,
            int advertisedPort, Scram scram) {
        return OwnClassLoader.callWith(
                () -> startWithOwnClassLoader(logDir, ownsLogDir, port, controllerPort, advertisedPort, scram));
    }

    private static EmbeddedKafkaBroker startWithOwnClassLoader(Path logDir, boolean ownsLogDir, int port,
            int controllerPort, int advertisedPort, Scram requestedScram) {
        BrokerLogLevels.quietBroker();
        long startNanos = System.nanoTime();
        int[] ports = FreePorts.orFree(port, controllerPort, requestedScram == null ? 0 : requestedScram.port());
        int brokerPort = ports[0];
        int quorumPort = ports[1];
        Scram scram = requestedScram == null ? null
                : new Scram(ports[2], requestedScram.user(), requestedScram.password());
        KafkaRaftServer server = null;
        try {
            KafkaConfig config = KafkaConfig.fromProps(brokerProperties(logDir, brokerPort, quorumPort,
                    advertisedPort == 0 ? brokerPort : advertisedPort, scram), false);
            formatIfNeeded(logDir);
            server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, logDir, ownsLogDir, brokerPort, quorumPort,
                    scram);
            broker.awaitAcceptingClients();
            if (scram != null) {
                broker.createScramUser();
            }
            LOG.debugf("Kafka broker %s ready in %d ms (log dir %s)", broker.bootstrapServers(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), logDir);
            return broker;
        } catch (RuntimeException | Error e) {
            try {
                shutDownAfterFailedStart(server, e);
            } finally {
                if (ownsLogDir) {
                    Directories.deleteRecursively(logDir);
                }
            }
            throw e;
        }
    }

    /** {@code 127.0.0.1:PORT}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:PORT} of the listener that requires SCRAM; only for a broker started with it. */
    public String saslBootstrapServers() {
        if (scram == null) {
            throw new IllegalStateException("this broker has no SCRAM listener");
        }
        return "127.0.0.1:" + scram.port();
    }

    /** The SCRAM listener and its user, or {@code null}. */
    public Scram scram() {
        return scram;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public Path logDir() {
        return logDir;
    }

    /** Shuts the broker down cleanly and deletes the log directory if this broker created it. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.shutdown();
        server.awaitShutdown();
        if (ownsLogDir) {
            Directories.deleteRecursively(logDir);
        }
    }

    private static Properties brokerProperties(Path logDir, int port, int controllerPort, int advertisedPort,
            Scram scram) {
        Properties props = new Properties();
        props.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", String.valueOf(NODE_ID)),
                Map.entry("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort),
                Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + port + "," + CONTROLLER_LISTENER + "://127.0.0.1:"
                        + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + advertisedPort),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT"),
                Map.entry("controller.listener.names", CONTROLLER_LISTENER),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("log.dirs", logDir.toAbsolutePath().toString()),
                Map.entry("num.partitions", "4"),
                Map.entry("default.replication.factor", "1"),
                Map.entry("min.insync.replicas", "1"),
                Map.entry("auto.create.topics.enable", "true"),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "4"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("transaction.state.log.num.partitions", "4"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                // After a kill the restarted controller holds the dead incarnation's registration until its session
                // times out (default 9 s) and only then lets the new one in: a shorter session makes restarts quick.
                Map.entry("broker.session.timeout.ms", "4000"),
                Map.entry("broker.heartbeat.interval.ms", "1000"),
                // The 128 MiB default is allocated at start and does not fit a small heap.
                Map.entry("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024)),
                Map.entry("num.network.threads", "2"),
                Map.entry("num.io.threads", "4"),
                Map.entry("num.recovery.threads.per.data.dir", "1")));
        if (scram != null) {
            props.put("listeners", props.get("listeners") + "," + SASL_LISTENER + "://127.0.0.1:" + scram.port());
            props.put("advertised.listeners", props.get("advertised.listeners") + "," + SASL_LISTENER
                    + "://127.0.0.1:" + scram.port());
            props.put("listener.security.protocol.map", props.get("listener.security.protocol.map") + ","
                    + SASL_LISTENER + ":" + SASL_LISTENER);
            props.put("sasl.enabled.mechanisms", SCRAM_MECHANISM);
            props.put("listener.name." + SASL_LISTENER.toLowerCase(java.util.Locale.ROOT) + "."
                    + SCRAM_MECHANISM.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        }
        return props;
    }

    /**
     * Stores the SCRAM credential through the plain listener, then waits until the authenticated listener admits the
     * user: the credential reaches the broker through the metadata log a moment after the call returns.
     */
    private void createScramUser() {
        Map<String, Object> plain = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READY_TIMEOUT.toMillis());
        try (Admin admin = Admin.create(plain)) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(scram.user(),
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), scram.password())))
                    .all().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating the SCRAM user", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot create the SCRAM user on " + bootstrapServers(), e);
        }
        Map<String, Object> authenticated = new java.util.HashMap<>(scram.clientSettings());
        authenticated.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, saslBootstrapServers());
        authenticated.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        authenticated.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000);
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            try (Admin admin = Admin.create(authenticated)) {
                admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the SCRAM listener", e);
            } catch (ExecutionException | TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("SCRAM listener " + saslBootstrapServers()
                            + " does not admit its user", e);
                }
            }
        }
    }

    /** Formats the storage with a random cluster id, unless a previous run already did (then its log is kept). */
    private static void formatIfNeeded(Path logDir) {
        try {
            Files.createDirectories(logDir);
            if (Files.exists(logDir.resolve("meta.properties"))) {
                return;
            }
            String dir = logDir.toAbsolutePath().toString();
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setClusterId(Uuid.randomUuid().toString())
                    .setNodeId(NODE_ID)
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(dir)
                    .setDirectories(List.of(dir))
                    .run();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare Kafka log directory " + logDir, e);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot format Kafka storage in " + logDir, e);
        }
    }

    /** {@code startup()} returns once the broker is unfenced; a metadata round trip proves clients get in. */
    private void awaitAcceptingClients() {
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READY_TIMEOUT.toMillis());
        try (Admin admin = Admin.create(config)) {
            admin.describeCluster().nodes().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the Kafka broker", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka broker " + bootstrapServers() + " does not answer clients", e);
        }
    }

    private static void shutDownAfterFailedStart(KafkaRaftServer server, Throwable startFailure) {
        if (server == null) {
            return;
        }
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException | Error e) {
            startFailure.addSuppressed(e);
        }
    }
}
