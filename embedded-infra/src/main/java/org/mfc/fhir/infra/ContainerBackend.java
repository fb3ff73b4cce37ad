package org.mfc.fhir.infra;

import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.mongodb.MongoDBContainer;

/**
 * {@link InfraMode#CONTAINERS}: the real thing, {@code apache/kafka} and {@code mongo} as a single-node replica set
 * (so transactions and change streams behave as in production), through Testcontainers.
 *
 * <p>Only this class names Testcontainers' container types, so the embedded path never loads them.
 */
final class ContainerBackend implements InfraBackend {

    static final String KAFKA_IMAGE = "apache/kafka:4.1.1";
    static final String MONGO_IMAGE = "mongo:7.0";

    private final KafkaContainer kafka;
    private final MongoDBContainer mongo;

    private ContainerBackend(KafkaContainer kafka, MongoDBContainer mongo) {
        this.kafka = kafka;
        this.mongo = mongo;
    }

    static ContainerBackend start() {
        KafkaContainer kafka = new KafkaContainer(KAFKA_IMAGE);
        MongoDBContainer mongo = new MongoDBContainer(MONGO_IMAGE).withReplicaSet();
        try {
            kafka.start();
            mongo.start();
            return new ContainerBackend(kafka, mongo);
        } catch (RuntimeException | Error e) {
            mongo.stop();
            kafka.stop();
            throw e;
        }
    }

    @Override
    public String kafkaBootstrapServers() {
        return kafka.getBootstrapServers();
    }

    /** A single seed without {@code replicaSet}: the driver connects directly to the (primary) node. */
    @Override
    public String mongoConnectionString() {
        return mongo.getConnectionString();
    }

    @Override
    public String describe() {
        return "Kafka " + kafkaBootstrapServers() + " (" + KAFKA_IMAGE + " container), MongoDB "
                + mongoConnectionString() + " (" + MONGO_IMAGE + " container, single-node replica set)";
    }

    @Override
    public void close() {
        try {
            kafka.stop();
        } finally {
            mongo.stop();
        }
    }
}
