package org.mfc.fhir.infra;

/**
 * Logging set-up for the command-line mains, done before anything logs.
 *
 * <p>On the mains' class path (target/lib, or a Quarkus module's test class path) SLF4J and JBoss Logging are bound
 * to jboss-logmanager, as in a Quarkus JVM. jboss-logmanager is only fully in charge (console output, and no
 * "LogManager accessed before java.util.logging.manager was set" error from its System.Logger finder) when it is
 * the JUL log manager, which must be decided before the first logger is created: hence the first line of each main.
 */
final class MainLogging {

    private static final String JUL_MANAGER_PROPERTY = "java.util.logging.manager";
    private static final String JBOSS_LOG_MANAGER = "org.jboss.logmanager.LogManager";

    private MainLogging() {
    }

    /** Makes jboss-logmanager the JUL log manager if it is on the class path and no manager was chosen yet. */
    static void useJBossLogManagerIfPresent() {
        if (System.getProperty(JUL_MANAGER_PROPERTY) != null) {
            return;
        }
        try {
            Class.forName(JBOSS_LOG_MANAGER, false, MainLogging.class.getClassLoader());
            System.setProperty(JUL_MANAGER_PROPERTY, JBOSS_LOG_MANAGER);
        } catch (ClassNotFoundException e) {
            // Another backend is bound (or none): the JDK's own log manager stays.
        }
    }
}
