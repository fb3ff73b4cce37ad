package org.mfc.fhir.migrator.rederive;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.messaging.KafkaClients;
import org.mfc.fhir.core.messaging.ReadingsCodec;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.infra.ScramKafkaResource;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * {@code rederive}'s topic pass on a broker that admits only SCRAM-authenticated clients, its clients built from
 * the migrator's configuration the way {@code MigratorMain} builds them: it reads the topic only because the
 * {@code kafka.*} settings (here as an operator's {@code KAFKA_*} variables would give them) reach its consumer.
 */
class TopicPassScramTest {

    @Test
    void givenBrokerRequiringScram_whenTheTopicPassReads_thenItAuthenticatesWithTheKafkaSettings() throws Exception {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(
                new ScramKafkaResource().start(), "scram-broker", 100)).build();
        KafkaClients kafka = KafkaClients.fromConfig(config);
        ScramKafkaResource.assertAdmitsOnlyWithCredentials(kafka.adminSettings(Map.of()));
        String topic = "rederive-scram-" + UUID.randomUUID();
        try (Admin admin = kafka.admin(Map.of())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        IngestRecord sent = new IngestRecord("scram-" + UUID.randomUUID(), 0, DeviceFamily.AVA4, null,
                "box-08F9E0D1F7B4", "bridge", Instant.now().toString(), Json.mapper().readTree("{\"a\":1}"));
        try (KafkaProducer<String, String> producer = kafka.producer(Map.of(ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            producer.send(new ProducerRecord<>(topic, sent.deviceKey(), ReadingsCodec.encode(sent))).get();
        }

        List<IngestRecord> read = new ArrayList<>();
        long[] counts = new TopicPass(kafka, topic, "rederive-scram-test").run(false, read::add);

        assertThat(counts).containsExactly(1, 0);
        assertThat(read).extracting(IngestRecord::ingestId).containsExactly(sent.ingestId());
    }
}
