package org.mfc.fhir.infra;

/** Where {@link PipelineInfra} runs Kafka and MongoDB. */
public enum InfraMode {
    /** Real {@code apache/kafka} and {@code mongo} (single-node replica set) containers through Testcontainers. */
    CONTAINERS,
    /** An in-JVM KRaft broker and an in-memory mongo-java-server: no Docker, no network beyond loopback. */
    EMBEDDED
}
