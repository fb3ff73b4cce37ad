package org.mfc.fhir.infra;

/**
 * {@link InfraMode#EMBEDDED}: an {@link EmbeddedKafkaBroker} and an in-memory {@link MongoWireServer} in this JVM.
 * Needs nothing but loopback: no Docker, no internet.
 */
final class EmbeddedBackend implements InfraBackend {

    private final EmbeddedKafkaBroker kafka;
    private final MongoWireServer mongo;

    private EmbeddedBackend(EmbeddedKafkaBroker kafka, MongoWireServer mongo) {
        this.kafka = kafka;
        this.mongo = mongo;
    }

    static EmbeddedBackend start() {
        MongoWireServer mongo = MongoWireServer.inMemory().start(0);
        try {
            return new EmbeddedBackend(EmbeddedKafkaBroker.start(), mongo);
        } catch (RuntimeException | Error e) {
            mongo.close();
            throw e;
        }
    }

    @Override
    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    @Override
    public String mongoConnectionString() {
        return mongo.connectionString();
    }

    @Override
    public String describe() {
        return "Kafka " + kafka.bootstrapServers() + " (in-JVM KRaft broker, log " + kafka.logDir() + "), MongoDB "
                + mongo.connectionString() + " (mongo-java-server, " + mongo.description() + ")";
    }

    @Override
    public void close() {
        try {
            kafka.close();
        } finally {
            mongo.close();
        }
    }
}
