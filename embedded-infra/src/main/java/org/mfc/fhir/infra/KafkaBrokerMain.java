package org.mfc.fhir.infra;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * Runs an {@link EmbeddedKafkaBroker} as its own process, for fault tests that kill the broker with SIGKILL and for
 * local runs from a shell.
 *
 * <p>Usage: {@code --port N --controller-port N --log-dir DIR [--advertised-port N]} (ports 0 = free ones; without a
 * log dir a temporary one is used and deleted at exit; an advertised port, e.g. a TCP proxy's, is what clients are
 * told to connect to after bootstrap). Prints exactly one line {@code KAFKA_READY 127.0.0.1:PORT} on stdout once the
 * broker accepts clients: a parent process waits for that line instead of polling the port. SIGTERM shuts the
 * broker down cleanly; restarting with the same log dir and ports continues where it left off.
 *
 * <p>With {@code --scram-user U --scram-password P [--scram-port N]} the broker also listens on a port that admits
 * only clients authenticated as U with SCRAM-SHA-512 (SASL_PLAINTEXT), and the READY line names that port: the one
 * clients of a secured broker are given.
 */
public final class KafkaBrokerMain {

    /** The prefix of the one line printed on stdout when the broker is ready. */
    public static final String READY_PREFIX = "KAFKA_READY ";

    private static final String USAGE =
            "KafkaBrokerMain --port N --controller-port N --log-dir DIR [--advertised-port N]"
                    + " [--scram-user U --scram-password P [--scram-port N]]";

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        MainLogging.useJBossLogManagerIfPresent();
        MainArgs options = MainArgs.parse(args, Set.of("port", "controller-port", "log-dir", "advertised-port",
                "scram-user", "scram-password", "scram-port"), USAGE);
        ParentWatch.exitWithParent();
        int port = options.intValue("port", 0);
        int controllerPort = options.intValue("controller-port", 0);
        int advertisedPort = options.intValue("advertised-port", 0);
        EmbeddedKafkaBroker broker;
        if (options.value("scram-user").isPresent()) {
            EmbeddedKafkaBroker.Scram scram = new EmbeddedKafkaBroker.Scram(options.intValue("scram-port", 0),
                    options.value("scram-user").get(), options.value("scram-password")
                            .orElseThrow(() -> new IllegalArgumentException("--scram-password is required")));
            Path dir = options.value("log-dir").map(Path::of)
                    .orElseThrow(() -> new IllegalArgumentException("--log-dir is required with --scram-user"));
            broker = EmbeddedKafkaBroker.startWithScram(dir, port, controllerPort, scram);
        } else {
            broker = options.value("log-dir")
                    .map(dir -> EmbeddedKafkaBroker.start(Path.of(dir), port, controllerPort, advertisedPort))
                    .orElseGet(EmbeddedKafkaBroker::start);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "kafka-broker-shutdown"));
        System.out.println(READY_PREFIX + (broker.scram() != null ? broker.saslBootstrapServers()
                : broker.bootstrapServers()));
        System.out.flush();
        stopped.await();
    }
}
