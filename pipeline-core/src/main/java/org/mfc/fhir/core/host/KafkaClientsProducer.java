package org.mfc.fhir.core.host;

import java.util.Map;

import org.mfc.fhir.core.messaging.KafkaClients;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The services' one {@link KafkaClients}, over the same {@code kafka.*} configuration their channels get. */
@ApplicationScoped
public class KafkaClientsProducer {

    @Produces
    @Singleton
    KafkaClients kafkaClients(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        return new KafkaClients(kafkaConfig);
    }
}
