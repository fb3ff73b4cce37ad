package org.mfc.fhir.infra;

import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

/**
 * The one entry point tests use to get Kafka and MongoDB: started once per JVM, on first use, shared by all tests.
 *
 * <p>With Docker it runs real containers ({@code apache/kafka:4.1.1}, {@code mongo:7.0} as a single-node replica
 * set); without Docker it runs an in-JVM KRaft broker and an in-memory mongo-java-server, which need no network.
 * {@code PIPELINE_INFRA=embedded|containers} (system property or environment variable) forces one. The choice and
 * the addresses are logged at INFO once. A shutdown hook stops everything when the JVM exits.
 *
 * <p>"Once per JVM" holds across class loaders: Quarkus loads test resources in per-application class loaders that
 * are closed when a test profile changes, and servers whose classes came from a closed loader break on the next class
 * they load. So the servers are always started by the copy of this class in the system class loader (which lives as
 * long as the JVM), and a copy in any other loader only asks that one for its addresses.
 */
public final class PipelineInfra {

    private static final Logger LOG = Logger.getLogger(PipelineInfra.class);

    private static PipelineInfra shared;
    private static RuntimeException startFailure;

    private final InfraMode mode;
    private final String kafkaBootstrapServers;
    private final String mongoConnectionString;

    private PipelineInfra(InfraMode mode, String kafkaBootstrapServers, String mongoConnectionString) {
        this.mode = mode;
        this.kafkaBootstrapServers = kafkaBootstrapServers;
        this.mongoConnectionString = mongoConnectionString;
    }

    /**
     * The JVM-wide Kafka and MongoDB, started on the first call (which may take a few seconds, longer when images are
     * pulled). Thread-safe. A failed start is remembered and rethrown, rather than retried by every test class.
     */
    public static synchronized PipelineInfra shared() {
        if (startFailure != null) {
            throw startFailure;
        }
        if (shared == null) {
            try {
                shared = isSystemCopy() ? startServers() : askSystemCopy();
            } catch (RuntimeException e) {
                startFailure = e;
                throw e;
            }
        }
        return shared;
    }

    /** {@code host:port} for {@code bootstrap.servers}. */
    public String kafkaBootstrapServers() {
        return kafkaBootstrapServers;
    }

    /** {@code mongodb://host:port}, for {@code quarkus.mongodb.connection-string} or {@code MongoClients.create}. */
    public String mongoConnectionString() {
        return mongoConnectionString;
    }

    /** Whether these are containers or in-JVM servers. */
    public InfraMode mode() {
        return mode;
    }

    @Override
    public String toString() {
        return mode + " kafka=" + kafkaBootstrapServers + " mongo=" + mongoConnectionString;
    }

    private static PipelineInfra startServers() {
        InfraModeChoice choice = InfraModeChoice.decide();
        long startNanos = System.nanoTime();
        InfraBackend backend = OwnClassLoader.callWith(
                () -> choice.mode() == InfraMode.CONTAINERS ? ContainerBackend.start() : EmbeddedBackend.start());
        Runtime.getRuntime().addShutdownHook(new Thread(backend::close, "pipeline-infra-shutdown"));
        LOG.infof("PipelineInfra %s (%s), started in %d ms: %s", choice.mode(), choice.reason(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), backend.describe());
        return new PipelineInfra(choice.mode(), backend.kafkaBootstrapServers(), backend.mongoConnectionString());
    }

    private static boolean isSystemCopy() {
        ClassLoader system = ClassLoader.getSystemClassLoader();
        try {
            Class<?> systemCopy = Class.forName(PipelineInfra.class.getName(), false, system);
            LOG.debugf("PipelineInfra loaded by %s; the system class loader's copy by %s",
                    PipelineInfra.class.getClassLoader(), systemCopy.getClassLoader());
            return systemCopy == PipelineInfra.class;
        } catch (ClassNotFoundException e) {
            return true; // this module is not on the JVM class path: this copy is the only one there is
        }
    }

    private static PipelineInfra askSystemCopy() {
        try {
            Class<?> systemCopy = Class.forName(PipelineInfra.class.getName(), true, ClassLoader.getSystemClassLoader());
            Object infra = systemCopy.getMethod("shared").invoke(null);
            return new PipelineInfra(
                    InfraMode.valueOf(systemCopy.getMethod("mode").invoke(infra).toString()),
                    (String) systemCopy.getMethod("kafkaBootstrapServers").invoke(infra),
                    (String) systemCopy.getMethod("mongoConnectionString").invoke(infra));
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("Starting the shared Kafka and MongoDB failed: " + e.getCause(),
                    e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot reach the system class loader's PipelineInfra", e);
        }
    }
}
