package org.mfc.fhir.infra;

/**
 * Lets a child server end itself when the JVM that launched it is gone.
 *
 * <p>Why: a parent JVM that is killed (a test fork killed on timeout, a developer's Ctrl-\ or {@code kill -9}) runs
 * no shutdown hook, and its children would keep ports and files busy forever. {@link ChildProcess} passes its pid in
 * the system property {@value #PARENT_PID_PROPERTY}; when that process exits, the child exits normally (running its
 * own shutdown hooks). Without the property (started from a shell) nothing is watched.
 */
final class ParentWatch {

    static final String PARENT_PID_PROPERTY = "org.mfc.fhir.infra.parent-pid";

    private ParentWatch() {
    }

    /** Exits this JVM when the process named by {@value #PARENT_PID_PROPERTY} exits. */
    static void exitWithParent() {
        String pid = System.getProperty(PARENT_PID_PROPERTY);
        if (pid == null || pid.isBlank()) {
            return;
        }
        ProcessHandle.of(Long.parseLong(pid.trim())).ifPresentOrElse(
                parent -> parent.onExit().thenRun(() -> System.exit(0)),
                () -> System.exit(0));
    }
}
