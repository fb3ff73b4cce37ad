package org.mfc.fhir.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

import org.mfc.fhir.infra.mongo.standin.IndexedMemoryBackend;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;

/**
 * A MongoDB wire-protocol server (mongo-java-server) on loopback, for tests and local runs without {@code mongod}.
 *
 * <p>Why this and not an "embedded mongo": those download {@code mongod} binaries at run time, which cannot work
 * offline; mongo-java-server is plain Java and starts in well under a second. It covers CRUD, unique indexes
 * (duplicate key code 11000), aggregation and change streams, but not transactions, sessions, the Stable API or
 * replica-set behaviour: clients must not configure {@code serverApi} against it, and code that needs those
 * semantics is tested against a real {@code mongod} in Testcontainers (see {@link PipelineInfra}).
 *
 * <p>{@link #inMemory()} forgets everything on close; {@link #fileBacked(Path)} keeps the data in an H2 MVStore file,
 * so a new server on the same file sees what the previous one wrote.
 */
public final class MongoWireServer implements AutoCloseable {

    private final Supplier<MongoBackend> backendFactory;
    private final String description;
    private MongoServer server;
    private int port;

    private MongoWireServer(Supplier<MongoBackend> backendFactory, String description) {
        this.backendFactory = backendFactory;
        this.description = description;
    }

    /** A server whose data lives in memory only. Call {@link #start(int)}. */
    public static MongoWireServer inMemory() {
        return new MongoWireServer(IndexedMemoryBackend::new, "memory");
    }

    /** A server whose data is kept in {@code file} (an H2 MVStore) across restarts. Call {@link #start(int)}. */
    public static MongoWireServer fileBacked(Path file) {
        Path absolute = file.toAbsolutePath();
        return new MongoWireServer(() -> new H2Backend(createParent(absolute).toString()), "file " + absolute);
    }

    /** Binds 127.0.0.1 on {@code port} ({@code 0} picks a free one) and starts serving. */
    public synchronized MongoWireServer start(int port) {
        if (server != null) {
            throw new IllegalStateException("Already started on port " + this.port);
        }
        MongoServer started = new MongoServer(backendFactory.get());
        started.bind("127.0.0.1", port);
        this.server = started;
        this.port = started.getLocalAddress().getPort();
        return this;
    }

    /** {@code mongodb://127.0.0.1:PORT}. */
    public synchronized String connectionString() {
        return "mongodb://127.0.0.1:" + port();
    }

    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("Not started");
        }
        return port;
    }

    /** "memory" or "file PATH": where the data lives, for log lines. */
    public String description() {
        return description;
    }

    /** Closes client connections and the backend (an H2 file is flushed and closed). The server can start again. */
    @Override
    public synchronized void close() {
        if (server != null) {
            server.shutdownNow();
            server = null;
        }
    }

    private static Path createParent(Path file) {
        try {
            Path parent = file.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the directory of " + file, e);
        }
    }
}
