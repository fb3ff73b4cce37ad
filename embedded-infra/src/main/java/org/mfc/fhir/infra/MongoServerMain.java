package org.mfc.fhir.infra;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link MongoWireServer} as its own process, for fault tests (kill and restart) and local runs from a shell.
 *
 * <p>Usage: {@code --port N [--file PATH]}: port 0 picks a free one; without a file the data lives in memory.
 * Prints exactly one line {@code MONGO_READY mongodb://127.0.0.1:PORT} on stdout once it accepts connections.
 * SIGTERM closes the server cleanly (an H2 file is flushed and closed).
 */
public final class MongoServerMain {

    /** The prefix of the one line printed on stdout when the server is ready. */
    public static final String READY_PREFIX = "MONGO_READY ";

    private static final String USAGE = "MongoServerMain --port N [--file PATH]";

    private MongoServerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        MainLogging.useJBossLogManagerIfPresent();
        MainArgs options = MainArgs.parse(args, Set.of("port", "file"), USAGE);
        ParentWatch.exitWithParent();
        MongoWireServer server = options.value("file")
                .map(file -> MongoWireServer.fileBacked(Path.of(file)))
                .orElseGet(MongoWireServer::inMemory)
                .start(options.intValue("port", 0));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "mongo-server-shutdown"));
        System.out.println(READY_PREFIX + server.connectionString());
        System.out.flush();
        stopped.await();
    }
}
