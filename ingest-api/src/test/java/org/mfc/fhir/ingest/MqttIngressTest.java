package org.mfc.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.testing.Fixtures;
import org.mfc.fhir.infra.MqttInfra;
import org.mfc.fhir.infra.PipelineInfra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The MQTT ingress against the real broker (the packaged mqtt-broker with the shipped ACLs) and Kafka: device
 * messages on their real topics become the same readings-topic records as HTTP requests; refused ones are set aside
 * on the rejects topic with a reason (and acknowledged, so later messages flow); a device over its rate is refused
 * alone.
 */
@QuarkusTest
@TestProfile(MqttProfile.class)
class MqttIngressTest {

    private final List<Mqtt5BlockingClient> devices = new ArrayList<>();

    @AfterEach
    void disconnect() {
        devices.forEach(d -> {
            if (d.getState().isConnected()) {
                d.disconnect();
            }
        });
    }

    @Test
    void givenEveryFamilyOnItsTopic_whenPublished_thenQueuedAsTheSameRecordsAsHttp() {
        ObjectNode ava4 = ava4("08:F9:E0:D1:F7:B4", 1743963001L);
        publish(MqttInfra.AVA4, "dusun_pub", ava4.toString());
        ObjectNode kati = (ObjectNode) Fixtures.json("kati/vitalsign_full.json");
        kati.put("timeStamps", "06/04/2025 18:31:07").put("IMEI", "865067100000017");
        publish(MqttInfra.KATI, "iMEDE_watch/VitalSign", kati.toString());
        ObjectNode kiosk = (ObjectNode) Fixtures.json("qube-vital/bp_wbp_jumper.json");
        kiosk.put("time", 1743963002L).put("mac", "e4:5f:01:ed:82:17");
        publish(MqttInfra.QUBE_VITAL, "CM4_BLE_GW_TX", kiosk.toString());
        // Older boxes publish readings on dusun_sub; the broker lets them and acknowledges it whoever subscribes.
        publish(MqttInfra.AVA4, "dusun_sub", ava4("08:F9:E0:D1:F7:B4", 1743963003L).toString());

        assertThat(published(r -> r.at("/payload/time").asLong() == 1743963003L).get("family").asText())
                .isEqualTo("AVA4");
        JsonNode a = published(r -> r.at("/payload/time").asLong() == 1743963001L);
        assertThat(a.get("family").asText()).isEqualTo("AVA4");
        assertThat(a.get("device_key").asText()).isEqualTo("box-08F9E0D1F7B4");
        assertThat(a.get("client_id").asText()).isEqualTo("mqtt:ava4");
        assertThat(a.get("payload").toString()).isEqualTo(ava4.toString());
        assertThat(a.get("ingest_id").asText()).isNotBlank();
        JsonNode k = published(r -> r.at("/payload/IMEI").asText().equals("865067100000017"));
        assertThat(k.get("family").asText()).isEqualTo("KATI");
        assertThat(k.get("topic").asText()).isEqualTo("VitalSign");
        assertThat(k.get("device_key").asText()).isEqualTo("imei-865067100000017");
        assertThat(k.get("client_id").asText()).isEqualTo("mqtt:kati");
        JsonNode q = published(r -> r.at("/payload/mac").asText().equals("e4:5f:01:ed:82:17"));
        assertThat(q.get("family").asText()).isEqualTo("QUBE_VITAL");
        assertThat(q.get("device_key").asText()).isEqualTo("box-E45F01ED8217");
        assertThat(q.get("client_id").asText()).isEqualTo("mqtt:qube-vital");
    }

    @Test
    void givenInvalidMessages_whenPublished_thenSetAsideWithReasonAndLaterMessagesFlow() {
        publish(MqttInfra.AVA4, "dusun_pub", "{not json");
        ObjectNode impossible = ava4("08:F9:E0:D1:F7:B5", 1743963101L);
        ((ObjectNode) impossible.at("/data/value/device_list/0")).put("bp_high", 987);
        publish(MqttInfra.AVA4, "dusun_pub", impossible.toString());
        ObjectNode good = ava4("08:F9:E0:D1:F7:B5", 1743963102L);
        publish(MqttInfra.AVA4, "dusun_pub", good.toString());

        assertThat(published(r -> r.at("/payload/time").asLong() == 1743963102L).get("family").asText())
                .isEqualTo("AVA4");
        ConsumerRecord<String, byte[]> malformed = rejected(r -> new String(r.value(), StandardCharsets.UTF_8)
                .equals("{not json"));
        assertThat(header(malformed, "dlq-stage")).isEqualTo("VALIDATE");
        assertThat(header(malformed, "dlq-reason")).startsWith("INVALID_JSON");
        assertThat(header(malformed, "mqtt-topic")).isEqualTo("dusun_pub");
        assertThat(header(malformed, "mqtt-publisher")).isEqualTo("ava4");
        ConsumerRecord<String, byte[]> refused = rejected(r -> new String(r.value(), StandardCharsets.UTF_8)
                .contains("1743963101"));
        assertThat(header(refused, "dlq-reason")).startsWith("VALIDATION_ERROR")
                .contains("data.value.device_list[0].bp_high").doesNotContain("987");
        assertThat(new String(refused.value(), StandardCharsets.UTF_8)).isEqualTo(impossible.toString());
        assertThat(IngestTests.countPublished("/payload/time", "1743963101")).isZero();
    }

    @Test
    void givenRefusedMessageNearTheBodyLimit_whenSetAside_thenKeptWholeToBePublishedAgain() {
        // Within INGEST_MAX_BODY_BYTES (1 MiB) and refused (no box mac): the rejects topic keeps every byte.
        String payload = "{\"note\":\"" + "n".repeat(1_040_000) + "\"}";
        publish(MqttInfra.AVA4, "dusun_pub", payload);

        ConsumerRecord<String, byte[]> kept = rejected(r -> r.value().length > 1_000_000
                && new String(r.value(), 0, 9, StandardCharsets.UTF_8).equals("{\"note\":\""));
        assertThat(kept.headers().lastHeader("payload-truncated-from")).isNull();
        assertThat(new String(kept.value(), StandardCharsets.UTF_8)).isEqualTo(payload);
    }

    @Test
    void givenMessageOverTheBodyLimitButUnderTheBrokers_whenPublished_thenSetAsideCutAndLaterMessagesFlow() {
        // Over INGEST_MAX_BODY_BYTES, under the broker's packet limit: once cut to a size that left no room for the
        // trace header the sink adds, refused by the producer on every retry and never acknowledged.
        String payload = "{\"x\":\"" + "a".repeat(1_048_600) + "\"}";
        publish(MqttInfra.AVA4, "dusun_pub", payload);
        ObjectNode good = ava4("08:F9:E0:D1:F7:B9", 1743963501L);
        publish(MqttInfra.AVA4, "dusun_pub", good.toString());

        assertThat(published(r -> r.at("/payload/time").asLong() == 1743963501L).get("family").asText())
                .isEqualTo("AVA4");
        ConsumerRecord<String, byte[]> cut = rejected(r -> r.headers().lastHeader("payload-truncated-from") != null
                && "1048608".equals(header(r, "payload-truncated-from")));
        assertThat(header(cut, "dlq-reason")).startsWith("TOO_LARGE");
        assertThat(cut.value().length).isLessThan(payload.length()).isGreaterThan(1_000_000);
    }

    @Test
    void givenDeviceListWithOneImpossibleItem_whenPublished_thenTheValidItemQueuedAndTheMessageSetAsideNamingIt() {
        ObjectNode message = ava4("08:F9:E0:D1:F7:B8", 1743963401L);
        var list = (com.fasterxml.jackson.databind.node.ArrayNode) message.at("/data/value/device_list");
        ObjectNode impossible = list.get(0).deepCopy();
        impossible.put("scan_time", 1743963402L).put("bp_high", 987);
        list.add(impossible);
        publish(MqttInfra.AVA4, "dusun_pub", message.toString());

        assertThat(published(r -> r.at("/payload/time").asLong() == 1743963401L).get("device_key").asText())
                .isEqualTo("box-08F9E0D1F7B8");
        ConsumerRecord<String, byte[]> setAside = rejected(r -> new String(r.value(), StandardCharsets.UTF_8)
                .contains("1743963402"));
        assertThat(header(setAside, "dlq-reason")).startsWith("ITEMS_REFUSED")
                .contains("data.value.device_list[1].bp_high").doesNotContain("987");
        assertThat(new String(setAside.value(), StandardCharsets.UTF_8)).isEqualTo(message.toString());
    }

    @Test
    void givenDeviceOverItsRate_whenPublishing_thenOnlyItsExcessSetAside() {
        for (int i = 0; i < 5; i++) {
            publish(MqttInfra.AVA4, "dusun_pub", ava4(MqttProfile.RATE_LIMITED_BOX, 1743963200L + i).toString());
        }
        ObjectNode other = ava4("08:F9:E0:D1:F7:B6", 1743963299L);
        publish(MqttInfra.AVA4, "dusun_pub", other.toString());

        published(r -> r.at("/payload/time").asLong() == 1743963299L);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(rejectedAll(r -> "RATE_LIMITED"
                .equals(header(r, "dlq-reason").split(":")[0]))).hasSize(2));
        assertThat(IngestTests.countPublished("/device_key", "box-0A0B0C0D0E0F")).isEqualTo(3);
    }

    @Test
    void givenConnectedIngress_whenOperatorAsks_thenStatsAndHealthShowTheMqttSide() throws Exception {
        publish(MqttInfra.AVA4, "dusun_pub", ava4("08:F9:E0:D1:F7:B7", 1743963301L).toString());
        published(r -> r.at("/payload/time").asLong() == 1743963301L);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode stats = Json.mapper().readTree(IngestTests.admin().get("/admin/mqtt/stats").then()
                    .statusCode(200).extract().asString());
            assertThat(stats.get("connected").asBoolean()).isTrue();
            assertThat(stats.get("client_id").asText()).isEqualTo("ingest-api-test");
            assertThat(stats.get("subscriptions").toString()).contains("$share/fhir-ingest/dusun_pub",
                    "$share/fhir-ingest/iMEDE_watch/#", "$share/fhir-ingest/CM4_BLE_GW_TX");
            assertThat(stats.get("received").asLong()).isPositive();
            assertThat(stats.get("queued").asLong()).isPositive();
            assertThat(stats.get("unacknowledged").asInt()).isZero();
        });
        // The summary is 200 only when every check is UP, the start-up rehearsal's included.
        IngestTests.awaitWarm();
        JsonNode health = Json.mapper().readTree(Management.request().get("/health").then().statusCode(200)
                .extract().asString());
        assertThat(health.at("/mqtt/status").asText()).isEqualTo("UP");
        Management.request().get("/q/health/group/mqtt").then().statusCode(200);
        String metrics = Management.request().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("ingest_mqtt_messages_total", "ingest_mqtt_connected",
                "ingest_mqtt_ack_latency_seconds");
    }

    private static ObjectNode ava4(String boxMac, long time) {
        ObjectNode payload = (ObjectNode) Fixtures.json("ava4/bp_biolight.json");
        payload.put("time", time).put("mac", boxMac).put("deviceCode", boxMac);
        ((ObjectNode) payload.get("data")).put("mac", boxMac);
        ((ObjectNode) payload.at("/data/value/device_list/0")).put("scan_time", time);
        return payload;
    }

    private void publish(String account, String topic, String payload) {
        Mqtt5BlockingClient device = MqttClient.builder().useMqttVersion5().identifier(account + "-" + devices.size())
                .serverHost(MqttInfra.shared().host()).serverPort(MqttInfra.shared().port()).simpleAuth()
                .username(account).password(MqttInfra.password(account).getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth().buildBlocking();
        device.connect();
        devices.add(device);
        device.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
                .payload(payload.getBytes(StandardCharsets.UTF_8)).send();
    }

    /** The one readings-topic record matching {@code match}, waiting for it. */
    private static JsonNode published(Predicate<JsonNode> match) {
        List<JsonNode> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            found.clear();
            for (ConsumerRecord<String, byte[]> r : readAll(IngestTests.TOPIC)) {
                JsonNode value = Json.mapper().readTree(r.value());
                if (match.test(value)) {
                    found.add(value);
                }
            }
            assertThat(found).hasSize(1);
        });
        return found.get(0);
    }

    private static ConsumerRecord<String, byte[]> rejected(Predicate<ConsumerRecord<String, byte[]>> match) {
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            found.clear();
            found.addAll(rejectedAll(match));
            assertThat(found).hasSize(1);
        });
        return found.get(0);
    }

    private static List<ConsumerRecord<String, byte[]>> rejectedAll(Predicate<ConsumerRecord<String, byte[]>> match) {
        return readAll(MqttProfile.REJECTS_TOPIC).stream().filter(match).collect(Collectors.toList());
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Every record of {@code topic} now, read to its end offsets. */
    private static List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, PipelineInfra.shared().kafkaBootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
