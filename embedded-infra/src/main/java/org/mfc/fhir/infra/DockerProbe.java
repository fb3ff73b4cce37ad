package org.mfc.fhir.infra;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.testcontainers.DockerClientFactory;

/**
 * Answers "can Testcontainers run containers here?" cheaply and without ever throwing or hanging.
 *
 * <p>Why two steps: asking Testcontainers directly probes every Docker strategy it knows, can take many seconds and
 * writes {@code ~/.testcontainers.properties}. On a machine with no Docker endpoint at all (no {@code DOCKER_HOST},
 * no configured {@code docker.host}, no known socket file) the answer is "no" without asking. Only when an endpoint
 * is hinted at is Testcontainers asked, on a daemon thread with a deadline.
 */
final class DockerProbe {

    private static final long PROBE_TIMEOUT_SECONDS = 30;

    private DockerProbe() {
    }

    /** Empty if Docker is usable; otherwise why not, for the log line. */
    static Optional<String> whyUnavailable() {
        Optional<String> hint = endpointHint();
        if (hint.isEmpty()) {
            return Optional.of("no DOCKER_HOST, no docker.host in ~/.testcontainers.properties, no Docker socket");
        }
        return askTestcontainers(hint.get());
    }

    private static Optional<String> endpointHint() {
        String dockerHost = System.getenv("DOCKER_HOST");
        if (dockerHost != null && !dockerHost.isBlank()) {
            return Optional.of("DOCKER_HOST=" + dockerHost);
        }
        Optional<String> configured = testcontainersDockerHost();
        if (configured.isPresent()) {
            return configured;
        }
        return candidateSockets().stream().filter(Files::exists).findFirst().map(socket -> "socket " + socket);
    }

    private static Optional<String> testcontainersDockerHost() {
        Path file = Path.of(System.getProperty("user.home"), ".testcontainers.properties");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.ofNullable(properties.getProperty("docker.host")).filter(host -> !host.isBlank())
                .map(host -> "docker.host=" + host);
    }

    private static List<Path> candidateSockets() {
        List<Path> sockets = new ArrayList<>(List.of(Path.of("/var/run/docker.sock")));
        String home = System.getProperty("user.home");
        sockets.add(Path.of(home, ".docker", "run", "docker.sock"));
        sockets.add(Path.of(home, ".docker", "desktop", "docker.sock"));
        sockets.add(Path.of(home, ".rd", "docker.sock"));
        String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
        if (runtimeDir != null && !runtimeDir.isBlank()) {
            sockets.add(Path.of(runtimeDir, "docker.sock"));
            sockets.add(Path.of(runtimeDir, "podman", "podman.sock"));
        }
        return sockets;
    }

    private static Optional<String> askTestcontainers(String hint) {
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        Thread probe = new Thread(() -> {
            try {
                answer.complete(DockerClientFactory.instance().isDockerAvailable());
            } catch (Throwable t) {
                answer.completeExceptionally(t);
            }
        }, "docker-probe");
        probe.setDaemon(true);
        probe.start();
        try {
            return answer.get(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    ? Optional.empty()
                    : Optional.of(hint + " found, but Testcontainers cannot use it");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while probing " + hint);
        } catch (ExecutionException e) {
            return Optional.of(hint + " found, but probing it failed: " + e.getCause());
        } catch (TimeoutException e) {
            return Optional.of(hint + " found, but it did not answer within " + PROBE_TIMEOUT_SECONDS + " s");
        }
    }
}
