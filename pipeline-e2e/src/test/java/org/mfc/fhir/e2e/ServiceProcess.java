package org.mfc.fhir.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A packaged service ({@code <module>/target/quarkus-app/quarkus-run.jar}) run as a child JVM exactly as in
 * production: configuration by environment variables only. Started and awaited until its readiness check (on the
 * service's management port, chosen here unless the environment names one) is UP.
 */
final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String module;
    private final int port;
    private final Path log;
    private final Process process;
    private final Map<String, String> env;

    private ServiceProcess(String module, int port, Path log, Process process, Map<String, String> env) {
        this.module = module;
        this.port = port;
        this.log = log;
        this.process = process;
        this.env = Map.copyOf(env);
    }

    static Path repoRoot() {
        String root = System.getProperty("pipeline.repo.root");
        return root != null ? Path.of(root) : Path.of("..").toAbsolutePath().normalize();
    }

    /** Same module, port and environment, started again (after {@link #kill()} or {@link #close()}). */
    ServiceProcess restart() throws IOException {
        return start(module, port, env, log.getParent());
    }

    /** SIGKILL: no shutdown hook, no graceful end of the batch in hand. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int port() {
        return port;
    }

    /**
     * The port of health, metrics and OpenAPI ({@code INGEST_MANAGEMENT_PORT} / {@code WORKER_MANAGEMENT_PORT}); the
     * HTTP port for a module without a management port (fhir-api).
     */
    int managementPort() {
        String variable = managementPortVariable(module);
        return variable == null ? port : Integer.parseInt(env.get(variable));
    }

    /** The environment variable of a module's management port, or null when it serves everything on one port. */
    static String managementPortVariable(String module) {
        return switch (module) {
            case "ingest-api" -> "INGEST_MANAGEMENT_PORT";
            case "fhir-parser-worker" -> "WORKER_MANAGEMENT_PORT";
            default -> null;
        };
    }

    /** The child's process id, e.g. to sample its resident memory from {@code /proc/<pid>/status}. */
    long pid() {
        return process.pid();
    }

    static ServiceProcess start(String module, int port, Map<String, String> serviceEnv, Path logDir)
            throws IOException {
        Map<String, String> env = new HashMap<>(serviceEnv);
        if (managementPortVariable(module) != null) {
            env.computeIfAbsent(managementPortVariable(module), v -> Integer.toString(freePort()));
        }
        Path jar = repoRoot().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: package the module first (./mvnw verify does)");
        }
        Files.createDirectories(logDir);
        Path log = logDir.resolve(module + "-" + port + ".log");
        if (Files.exists(log)) {
            // Keep the log of an earlier incarnation next to the new one.
            Files.move(log, logDir.resolve(module + "-" + port + "-" + System.nanoTime() + ".log"));
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        // The suites start dozens of services and judge what was stored, not how fast the first second was: the
        // start-up rehearsal runs, bounded to a few seconds. A test can still set its own bound.
        pb.environment().put("INGEST_WARMUP_MAX_TIME", "5s");
        pb.environment().put("FHIR_WARMUP_MAX_TIME", "5s");
        pb.environment().putAll(env);
        ServiceProcess service = new ServiceProcess(module, port, log, pb.start(), env);
        Runtime.getRuntime().addShutdownHook(new Thread(service.process::destroyForcibly));
        service.awaitReady(Duration.ofSeconds(90));
        return service;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    String managementUrl() {
        return "http://127.0.0.1:" + managementPort();
    }

    private static int freePort() {
        try {
            return FaultStack.freePort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    Path log() {
        return log;
    }

    private void awaitReady(Duration timeout) throws IOException {
        Instant deadline = Instant.now().plus(timeout);
        HttpRequest ready = HttpRequest.newBuilder(URI.create(managementUrl() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(module + " exited with " + process.exitValue() + ":\n" + tail());
            }
            try {
                if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            process.onExit().completeOnTimeout(null, 250, java.util.concurrent.TimeUnit.MILLISECONDS).join();
        }
        throw new IllegalStateException(module + " not ready after " + timeout + ":\n" + tail());
    }

    String tail() throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
