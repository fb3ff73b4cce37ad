package org.mfc.fhir.infra;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Ends every child process this JVM started when the JVM exits, so no broker or Mongo server outlives its test run.
 *
 * <p>One shutdown hook for all children: each gets SIGTERM first (a clean stop keeps Kafka's log and H2 files tidy),
 * then SIGKILL if it is still there after a short grace period. Children also watch this JVM themselves (see
 * {@link ParentWatch}), which covers the case where this JVM is killed and runs no hook at all.
 */
final class ChildProcessReaper {

    private static final long GRACE_MILLIS = 3_000;
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ChildProcessReaper::endAll, "child-process-reaper"));
    }

    private ChildProcessReaper() {
    }

    static void register(Process process) {
        LIVE.add(process);
        process.onExit().thenRun(() -> LIVE.remove(process));
    }

    private static void endAll() {
        LIVE.forEach(Process::destroy);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GRACE_MILLIS);
        for (Process process : LIVE) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.waitFor(left, TimeUnit.NANOSECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
            }
        }
    }
}
