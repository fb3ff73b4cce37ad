package org.mfc.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.testing.Fixtures;
import org.mfc.fhir.infra.MqttInfra;
import org.mfc.fhir.infra.PipelineInfra;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * With tracing on, a reading published over MQTT continues the publisher's trace ({@code traceparent} user
 * property) into the Kafka record it became, as an HTTP request's does; without one, the record starts a trace.
 */
@QuarkusTest
@TestProfile(MqttTracingTest.MqttTracing.class)
class MqttTracingTest {

    private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

    /** The MQTT ingress of {@link MqttProfile} with the OpenTelemetry settings of {@link TracingProfile}. */
    public static class MqttTracing extends MqttProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            config.putAll(new TracingProfile().getConfigOverrides());
            return config;
        }
    }

    private Mqtt5BlockingClient device;

    @AfterEach
    void disconnect() {
        if (device != null && device.getState().isConnected()) {
            device.disconnect();
        }
    }

    @Test
    void givenMessageInATrace_whenQueued_thenTheRecordCarriesTheSameTraceAndAnUntracedOneStartsItsOwn() {
        device = MqttClient.builder().useMqttVersion5().identifier("ava4-tracing")
                .serverHost(MqttInfra.shared().host()).serverPort(MqttInfra.shared().port()).simpleAuth()
                .username(MqttInfra.AVA4).password(MqttInfra.password(MqttInfra.AVA4).getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth().buildBlocking();
        device.connect();
        device.publishWith().topic("dusun_pub").qos(MqttQos.AT_LEAST_ONCE)
                .userProperties().add("traceparent", "00-" + TRACE_ID + "-b7ad6b7169203331-01").applyUserProperties()
                .payload(ava4(1743964001L)).send();
        device.publishWith().topic("dusun_pub").qos(MqttQos.AT_LEAST_ONCE).payload(ava4(1743964002L)).send();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String traced = traceparent("1743964001");
            String untraced = traceparent("1743964002");
            assertThat(traced).as("traceparent of the traced message's record").startsWith("00-" + TRACE_ID + "-");
            assertThat(untraced).as("traceparent of the untraced message's record").matches("00-[0-9a-f]{32}-.*")
                    .doesNotContain(TRACE_ID);
        });
    }

    private static byte[] ava4(long time) {
        ObjectNode payload = (ObjectNode) Fixtures.json("ava4/bp_biolight.json");
        String box = "08:F9:E0:D1:F7:C1";
        payload.put("time", time).put("mac", box).put("deviceCode", box);
        ((ObjectNode) payload.get("data")).put("mac", box);
        ((ObjectNode) payload.at("/data/value/device_list/0")).put("scan_time", time);
        return payload.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The traceparent header of the readings-topic record whose payload holds {@code time}, or null. */
    private static String traceparent(String time) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, PipelineInfra.shared().kafkaBootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(IngestTests.TOPIC).stream()
                    .map(i -> new TopicPartition(IngestTests.TOPIC, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value().contains("\"time\":" + time)) {
                        found.add(r);
                    }
                }
            }
        }
        assertThat(found).as("records of the message with time " + time).hasSize(1);
        Header h = found.get(0).headers().lastHeader("traceparent");
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
