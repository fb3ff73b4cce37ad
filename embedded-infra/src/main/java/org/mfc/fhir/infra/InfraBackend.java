package org.mfc.fhir.infra;

/** A running Kafka and MongoDB pair behind {@link PipelineInfra}: in-JVM servers or containers. */
interface InfraBackend extends AutoCloseable {

    String kafkaBootstrapServers();

    String mongoConnectionString();

    /** What runs where, for the log line. */
    String describe();

    @Override
    void close();
}
