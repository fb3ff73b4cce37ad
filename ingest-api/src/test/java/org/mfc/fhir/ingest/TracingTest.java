package org.mfc.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.host.MongoCommandSpans;
import org.mfc.fhir.core.testing.Fixtures;
import org.mfc.fhir.core.testing.JwtKeyResource;
import org.mfc.fhir.infra.PipelineInfra;
import org.mfc.fhir.infra.PipelineInfraResource;

import com.mongodb.event.CommandListener;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/** With tracing on, a request's trace continues in the Kafka record it produced (the worker picks it up there). */
@QuarkusTest
@TestProfile(TracingProfile.class)
@QuarkusTestResource(value = PipelineInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtKeyResource.class, restrictToAnnotatedClass = false)
class TracingTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    @Test
    void givenRequestInATrace_whenQueued_thenTheRecordCarriesTheSameTraceInItsHeaders() {
        String ingestId = IngestTests.device().header("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01")
                .body(Fixtures.text("ava4/bp_biolight.json")).post("/api/v1/ava4").then().statusCode(202)
                .extract().path("ingest_id");

        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            ConsumerRecord<String, String> record = find(ingestId);
            assertThat(record).as("the published record").isNotNull();
            Header traceparent = record.headers().lastHeader("traceparent");
            assertThat(traceparent).as("traceparent header").isNotNull();
            assertThat(new String(traceparent.value(), StandardCharsets.UTF_8)).startsWith("00-" + TRACE_ID + "-");
        });
    }

    @Inject
    @Any
    Instance<CommandListener> commandListeners;

    @Test
    void theMongoClientTracesCommandsByNameWithoutTheirDocuments() {
        List<CommandListener> listeners = commandListeners.stream().toList();
        assertThat(listeners).filteredOn(MongoCommandSpans.class::isInstance).hasSize(1);
        // The client extension's listener puts each command, documents included, into a span attribute.
        assertThat(listeners).noneMatch(l -> l.getClass().getName().startsWith("io.quarkus.mongodb.tracing."));
    }

    private static ConsumerRecord<String, String> find(String ingestId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, PipelineInfra.shared().kafkaBootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(IngestTests.TOPIC).stream()
                    .map(i -> new TopicPartition(IngestTests.TOPIC, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value().contains(ingestId)) {
                        return r;
                    }
                }
            }
        }
        return null;
    }
}
