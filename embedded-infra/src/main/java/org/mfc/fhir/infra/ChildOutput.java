package org.mfc.fhir.infra;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Copies a child process's merged stdout/stderr into a log file and watches it for the one READY line.
 *
 * <p>Why a thread of our own: the parent must both keep the child's pipe drained (a full pipe blocks the child) and
 * learn the address the child prints once it is ready; a redirect straight to a file would hide that line.
 */
final class ChildOutput {

    private final CompletableFuture<String> readyValue = new CompletableFuture<>();
    private final Thread pump;
    private final String readyPrefix;
    private final Path logFile;

    private ChildOutput(InputStream output, String readyPrefix, Path logFile, String threadName) {
        this.readyPrefix = readyPrefix;
        this.logFile = logFile;
        this.pump = new Thread(() -> copy(output), threadName);
        this.pump.setDaemon(true);
    }

    /** Starts copying {@code output} (appending to {@code logFile}) and watching for {@code readyPrefix}. */
    static ChildOutput follow(InputStream output, String readyPrefix, Path logFile, String threadName) {
        ChildOutput childOutput = new ChildOutput(output, readyPrefix, logFile, threadName);
        childOutput.pump.start();
        return childOutput;
    }

    /** The text after the READY prefix, once the child printed it; fails if the child's output ends first. */
    String awaitReady(Duration timeout) throws TimeoutException, InterruptedException {
        try {
            return readyValue.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage() + "; see " + logFile, e.getCause());
        }
    }

    /** Waits until the child's output has ended and is in the log file (the child must have exited). */
    void awaitEnd(Duration timeout) throws InterruptedException {
        pump.join(timeout.toMillis());
    }

    private void copy(InputStream output) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8));
                Writer log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND)) {
            log.write("==== child started " + Instant.now() + " ====\n");
            log.flush();
            String line;
            while ((line = reader.readLine()) != null) {
                log.write(line);
                log.write('\n');
                log.flush();
                if (!readyValue.isDone() && line.startsWith(readyPrefix)) {
                    readyValue.complete(line.substring(readyPrefix.length()).trim());
                }
            }
            readyValue.completeExceptionally(new IllegalStateException("Child exited before printing " + readyPrefix));
        } catch (IOException e) {
            readyValue.completeExceptionally(new UncheckedIOException("Cannot follow child output", e));
        }
    }
}
