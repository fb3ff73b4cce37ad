package org.mfc.fhir.core.host;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

/**
 * The end of a start-up rehearsal: compilation is asynchronous, so the methods a rehearsal made hot are still being
 * compiled when it returns. Waits until the JIT compilers have caught up (their total compilation time grew by at
 * most a few milliseconds in each of three consecutive tenths of a second), at most ten seconds.
 */
public final class JitQuiet {

    private static final long STEP_MS = 100;
    private static final long QUIET_MS = 5;
    private static final int QUIET_STEPS = 3;
    private static final long LONGEST_NANOS = TimeUnit.SECONDS.toNanos(10);

    private JitQuiet() {
    }

    /** @return {@code quiet}, {@code still compiling} (a bound was reached) or {@code not observable} */
    public static String await(long deadlineNanos) throws InterruptedException {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return "not observable";
        }
        long limit = Math.min(deadlineNanos, System.nanoTime() + LONGEST_NANOS);
        long last = jit.getTotalCompilationTime();
        int quiet = 0;
        while (System.nanoTime() < limit) {
            TimeUnit.MILLISECONDS.sleep(STEP_MS);
            long now = jit.getTotalCompilationTime();
            quiet = now - last <= QUIET_MS ? quiet + 1 : 0;
            if (quiet >= QUIET_STEPS) {
                return "quiet";
            }
            last = now;
        }
        return "still compiling";
    }
}
