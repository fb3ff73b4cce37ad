package org.mfc.fhir.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jboss.logging.Logger;

/**
 * One of this module's server mains ({@link KafkaBrokerMain}, {@link MongoServerMain}), or the MQTT broker's jar,
 * running in a child JVM.
 *
 * <p>Why a separate JVM: a fault test must be able to kill the server the hard way ({@link #kill()} is SIGKILL, no
 * shutdown code runs) and bring it back ({@link #restart()}) on the same ports and data, while the clients under test
 * keep running in the test JVM. The child uses this JVM's {@code java} binary and class path, a small heap, and
 * writes its output to {@link #logFile()}, not to the test's stdout. Children still running when this JVM exits are
 * ended by a shutdown hook, and they end themselves if this JVM dies without running it.
 */
public final class ChildProcess implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ChildProcess.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    /** Heap of a Mongo child unless asked otherwise: enough for the tests' data. */
    private static final String MONGO_HEAP = "256m";

    private final String name;
    private final String mainClass;
    private final String maxHeap;
    private final List<String> arguments;
    private final String readyPrefix;
    private final Path logFile;
    /** Set for a main run from its own jar (a module whose class path must not mix with this one's). */
    private Path jar;
    private Map<String, String> environment = Map.of();
    private Process process;
    private ChildOutput output;
    private String address;

    private ChildProcess(String name, Class<?> mainClass, String maxHeap, List<String> arguments, String readyPrefix,
            Path logFile) {
        this.name = name;
        this.mainClass = mainClass.getName();
        this.maxHeap = maxHeap;
        this.arguments = List.copyOf(arguments);
        this.readyPrefix = readyPrefix;
        this.logFile = logFile;
    }

    /**
     * A Kafka broker child (not started yet) with its log in {@code workDir/kafka-logs}, its output in
     * {@code workDir/kafka-broker.log}, and two loopback ports chosen now and kept across restarts.
     */
    public static ChildProcess kafkaBroker(Path workDir) {
        return kafkaBroker(workDir, 0, 0);
    }

    /**
     * As {@link #kafkaBroker(Path)}, bound to {@code port} ({@code 0}: a free one) and advertising
     * {@code advertisedPort} to clients ({@code 0}: the bound port), for a TCP proxy in front of the broker.
     */
    public static ChildProcess kafkaBroker(Path workDir, int port, int advertisedPort) {
        int[] ports = FreePorts.orFree(port, 0);
        List<String> args = new ArrayList<>(List.of("--port", String.valueOf(ports[0]),
                "--controller-port", String.valueOf(ports[1]),
                "--log-dir", workDir.resolve("kafka-logs").toAbsolutePath().toString()));
        if (advertisedPort != 0) {
            args.addAll(List.of("--advertised-port", String.valueOf(advertisedPort)));
        }
        return new ChildProcess("kafka-broker", KafkaBrokerMain.class, "512m", args, KafkaBrokerMain.READY_PREFIX,
                createDirectories(workDir).resolve("kafka-broker.log"));
    }

    /**
     * A file-backed Mongo child (not started yet): data in {@code workDir/mongo.mv} (kept across restarts), output in
     * {@code workDir/mongo-server.log}, one loopback port chosen now.
     */
    public static ChildProcess mongoServer(Path workDir) {
        List<String> args = List.of("--port", String.valueOf(FreePorts.pick()),
                "--file", workDir.resolve("mongo.mv").toAbsolutePath().toString());
        return mongo(workDir, args, MONGO_HEAP);
    }

    /** An in-memory Mongo child (not started yet): a restart starts empty. Output in {@code workDir}. */
    public static ChildProcess mongoServerInMemory(Path workDir) {
        return mongoServerInMemory(workDir, MONGO_HEAP);
    }

    /**
     * As {@link #mongoServerInMemory(Path)}, with a heap of {@code maxHeap} ({@code -Xmx} syntax): the heap holds
     * every stored document.
     */
    public static ChildProcess mongoServerInMemory(Path workDir, String maxHeap) {
        return mongo(workDir, List.of("--port", String.valueOf(FreePorts.pick())), maxHeap);
    }

    private static ChildProcess mongo(Path workDir, List<String> args, String maxHeap) {
        return new ChildProcess("mongo-server", MongoServerMain.class, maxHeap, args, MongoServerMain.READY_PREFIX,
                createDirectories(workDir).resolve("mongo-server.log"));
    }

    /**
     * The devices' MQTT broker ({@code mqtt-broker/target/mqtt-broker.jar}, its own class path) as a child (not
     * started yet): sessions and queued messages in {@code workDir/mqtt-data} (kept across restarts and kills),
     * accounts and ACLs from {@code accessFile}, whose {@code env:} passwords come from {@code environment}. One
     * loopback port chosen now.
     */
    public static ChildProcess mqttBroker(Path workDir, Path accessFile, Map<String, String> environment) {
        List<String> args = List.of("--port", String.valueOf(FreePorts.pick()),
                "--data-dir", workDir.resolve("mqtt-data").toAbsolutePath().toString(),
                "--access-file", accessFile.toAbsolutePath().toString());
        ChildProcess child = new ChildProcess("mqtt-broker", MqttBrokerJar.class, "256m", args, "MQTT_READY ",
                createDirectories(workDir).resolve("mqtt-broker.log"));
        child.jar = MqttBrokerJar.locate();
        child.environment = Map.copyOf(environment);
        return child;
    }

    /** Launches the child and waits (bounded) for its READY line. */
    public synchronized ChildProcess start() {
        if (isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        long startNanos = System.nanoTime();
        try {
            ProcessBuilder builder = new ProcessBuilder(command()).redirectErrorStream(true);
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot launch " + name, e);
        }
        ChildProcessReaper.register(process);
        output = ChildOutput.follow(process.getInputStream(), readyPrefix, logFile, name + "-output");
        try {
            address = output.awaitReady(READY_TIMEOUT);
        } catch (TimeoutException | RuntimeException e) {
            kill();
            throw new IllegalStateException(name + " not ready within " + READY_TIMEOUT + "; see " + logFile, e);
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting " + name, e);
        }
        LOG.debugf("%s (pid %d) ready at %s in %d ms", name, process.pid(), address,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        return this;
    }

    /** What the child printed after its READY prefix: {@code 127.0.0.1:PORT} or {@code mongodb://127.0.0.1:PORT}. */
    public synchronized String address() {
        if (address == null) {
            throw new IllegalStateException(name + " was never started");
        }
        return address;
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The pid of the running child, for diagnostics. */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException(name + " was never started");
        }
        return process.pid();
    }

    /** The file the child's stdout and stderr are appended to (across restarts). */
    public Path logFile() {
        return logFile;
    }

    /** SIGKILL: the child gets no chance to flush or close anything. Returns once it is gone. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            awaitExit();
        }
    }

    /** SIGTERM: the child shuts its server down cleanly. Escalates to SIGKILL if that takes too long. */
    public synchronized void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            awaitExit();
        }
    }

    /** Stops the child if it runs, then starts it again on the same ports and data. */
    public synchronized ChildProcess restart() {
        stop();
        return start();
    }

    @Override
    public void close() {
        stop();
    }

    private void awaitExit() {
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warnf("%s (pid %d) did not stop within %s; killing it", name, process.pid(), STOP_TIMEOUT);
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            output.awaitEnd(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** {@code java @argfile}: an argument file keeps a long class path clear of command-line length limits. */
    private List<String> command() {
        List<String> jvmArgs = new ArrayList<>(List.of(
                "-Xmx" + maxHeap,
                "-XX:+UseSerialGC",
                "-D" + ParentWatch.PARENT_PID_PROPERTY + "=" + ProcessHandle.current().pid()));
        if (jar != null) {
            jvmArgs.addAll(List.of("-jar", jar.toString()));
        } else {
            jvmArgs.addAll(List.of("-cp", ChildClasspath.ofCurrentJvm(), mainClass));
        }
        jvmArgs.addAll(arguments);
        Path argFile = logFile.resolveSibling(name + ".args");
        try {
            Files.write(argFile, jvmArgs.stream().map(ChildProcess::quote).toList(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + argFile, e);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "@" + argFile);
    }

    private static String quote(String argument) {
        return '"' + argument.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static Path createDirectories(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + dir, e);
        }
    }
}
