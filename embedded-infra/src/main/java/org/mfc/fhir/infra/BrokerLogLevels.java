package org.mfc.fhir.infra;

import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;

import org.jboss.logging.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the Kafka broker's own categories down to WARN in whatever logging backend SLF4J is bound to.
 *
 * <p>The broker logs through SLF4J at INFO by the hundreds of lines per start (configs, partitions, coordinators).
 * Which backend receives them depends on the JVM: in a Quarkus test JVM and in the command-line mains SLF4J is bound
 * to jboss-logmanager (slf4j-jboss-logmanager); a non-Quarkus consumer may bring Log4j 2, Logback or JUL. The level is
 * therefore set on the bound backend, by reflection so that none of them is a compile dependency. Quarkus test JVMs
 * additionally get the same categories as {@code quarkus.log.category} entries from {@link PipelineInfraResource},
 * because Quarkus (re)configures logging after test resources start.
 */
public final class BrokerLogLevels {

    /** The categories the broker logs under: Scala classes ({@code kafka.*}), Java classes, and the state-change log. */
    public static final List<String> BROKER_CATEGORIES = List.of("kafka", "org.apache.kafka", "state.change.logger");

    private static final Logger LOG = Logger.getLogger(BrokerLogLevels.class);

    /** JUL-style loggers are weakly referenced by their manager: holding them keeps the level from being forgotten. */
    private static final List<Object> RETAINED = new CopyOnWriteArrayList<>();

    private BrokerLogLevels() {
    }

    /** Sets {@link #BROKER_CATEGORIES} to WARN in the SLF4J backend of this JVM. Never throws. */
    public static void quietBroker() {
        String factory = LoggerFactory.getILoggerFactory().getClass().getName();
        try {
            for (String category : BROKER_CATEGORIES) {
                setWarn(factory, category);
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.debugf(e, "Could not set broker log levels through %s", factory);
        }
    }

    private static void setWarn(String factory, String category) throws ReflectiveOperationException {
        switch (factory) {
            case "org.slf4j.impl.Slf4jLoggerFactory" -> setJBossLogManager(category);
            case "org.apache.logging.slf4j.Log4jLoggerFactory" -> setLog4j2(category);
            case "ch.qos.logback.classic.LoggerContext" -> setLogback(category);
            case "org.slf4j.jul.JDK14LoggerFactory" -> setJul(java.util.logging.Logger.getLogger(category));
            default -> LOG.debugf("No known way to set log levels through %s; broker logs stay as configured", factory);
        }
    }

    private static void setJBossLogManager(String category) throws ReflectiveOperationException {
        Class<?> logContextClass = Class.forName("org.jboss.logmanager.LogContext");
        Object logContext = logContextClass.getMethod("getLogContext").invoke(null);
        Object logger = logContextClass.getMethod("getLogger", String.class).invoke(logContext, category);
        setJul((java.util.logging.Logger) logger);
    }

    private static void setJul(java.util.logging.Logger logger) {
        logger.setLevel(Level.WARNING);
        RETAINED.add(logger);
    }

    private static void setLog4j2(String category) throws ReflectiveOperationException {
        Class<?> levelClass = Class.forName("org.apache.logging.log4j.Level");
        Object warn = levelClass.getField("WARN").get(null);
        Method setLevel = Class.forName("org.apache.logging.log4j.core.config.Configurator")
                .getMethod("setLevel", String.class, levelClass);
        setLevel.invoke(null, category, warn);
    }

    private static void setLogback(String category) throws ReflectiveOperationException {
        Object logger = LoggerFactory.getLogger(category);
        Class<?> levelClass = Class.forName("ch.qos.logback.classic.Level");
        logger.getClass().getMethod("setLevel", levelClass).invoke(logger, levelClass.getField("WARN").get(null));
    }
}
