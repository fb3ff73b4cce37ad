package org.mfc.fhir.mqtt.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.embedded.EmbeddedHiveMQ;

/**
 * The broker as the ingest side relies on it: credentials required, devices confined to publishing on their topics,
 * the publishing account stamped on every message, a shared subscription's unacknowledged messages moved to another
 * member when one leaves, and queued messages kept across a broker restart.
 */
class MqttBrokerTest {

    private static final Map<String, String> PASSWORDS = Map.of("MQTT_AVA4_PASSWORD", "ava4-pw",
            "MQTT_KATI_PASSWORD", "kati-pw", "MQTT_QUBE_VITAL_PASSWORD", "qube-pw", "MQTT_INGEST_PASSWORD",
            "ingest-pw");

    @TempDir
    Path dir;

    private int port;
    private EmbeddedHiveMQ broker;
    private final List<AutoCloseable> clients = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        broker = startBroker();
    }

    private EmbeddedHiveMQ startBroker() throws IOException {
        AccessFile access = AccessFile.parse(java.nio.file.Files.readAllLines(Path.of("config", "access.conf")),
                PASSWORDS::get);
        return MqttBrokerMain.start(port, "127.0.0.1", dir, access, 1_049_600, 100_000);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : clients) {
            try {
                c.close();
            } catch (RuntimeException e) {
                // A client the broker disconnected (refused publish) is already gone.
            }
        }
        broker.close();
    }

    @Test
    void givenWrongOrNoPassword_whenConnecting_thenRefused() {
        assertThatThrownBy(() -> blocking("d1", "ava4", "wrong").connect())
                .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> assertThat(e.getMqttMessage()
                        .getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD));
        assertThatThrownBy(() -> MqttClient.builder().useMqttVersion5().identifier("anon").serverHost("127.0.0.1")
                .serverPort(port).buildBlocking().connect()).isInstanceOf(Mqtt5ConnAckException.class);
    }

    @Test
    void givenDeviceAccount_whenPublishingElsewhereOrSubscribing_thenRefused() {
        Mqtt5BlockingClient kati = connected("watch-1", "kati", "kati-pw");

        assertThat(publish(kati, "iMEDE_watch/VitalSign").getError()).isEmpty();
        assertThatThrownBy(() -> publish(kati, "dusun_pub")).isInstanceOfSatisfying(Mqtt5PubAckException.class,
                e -> assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED));
        Mqtt5BlockingClient kati2 = connected("watch-2", "kati", "kati-pw");
        assertThatThrownBy(() -> kati2.subscribeWith().topicFilter("iMEDE_watch/#").send())
                .isInstanceOf(Mqtt5SubAckException.class);
        Mqtt5BlockingClient ingest = connected("ingest-1", "ingest", "ingest-pw");
        assertThatThrownBy(() -> publish(ingest, "dusun_pub")).isInstanceOf(Mqtt5PubAckException.class);
    }

    @Test
    void givenSpoofedPublisherProperty_whenDelivered_thenCarriesTheAuthenticatedAccount() throws Exception {
        List<Mqtt5Publish> received = new CopyOnWriteArrayList<>();
        Mqtt5AsyncClient ingest = subscriber("ingest-1", received::add, false);
        ingest.subscribeWith().topicFilter("$share/ingest/dusun_pub").qos(MqttQos.AT_LEAST_ONCE).send().join();
        Mqtt5BlockingClient ava4 = connected("box-1", "ava4", "ava4-pw");

        ava4.publishWith().topic("dusun_pub").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("{}"))
                .userProperties().add(AccessControl.PUBLISHER_PROPERTY, "ingest").applyUserProperties().send();

        awaitSize(received, 1);
        assertThat(received.get(0).getUserProperties().asList())
                .filteredOn(p -> p.getName().toString().equals(AccessControl.PUBLISHER_PROPERTY))
                .singleElement().satisfies(p -> assertThat(p.getValue().toString()).isEqualTo("ava4"));
    }

    @Test
    void givenSharedSubscription_whenMemberLeavesWithUnacknowledgedMessages_thenAnotherMemberGetsThem()
            throws Exception {
        Set<String> holder = ConcurrentHashMap.newKeySet();
        Set<String> survivor = ConcurrentHashMap.newKeySet();
        // The first member takes messages and never acknowledges them (a process stuck or about to die).
        Mqtt5AsyncClient first = subscriber("ingest-a", p -> holder.add(text(p)), true);
        first.subscribeWith().topicFilter("$share/ingest/dusun_pub").qos(MqttQos.AT_LEAST_ONCE).send().join();
        Mqtt5AsyncClient second = subscriber("ingest-b", p -> {
            survivor.add(text(p));
            p.acknowledge();
        }, true);
        second.subscribeWith().topicFilter("$share/ingest/dusun_pub").qos(MqttQos.AT_LEAST_ONCE).send().join();
        Mqtt5BlockingClient ava4 = connected("box-1", "ava4", "ava4-pw");
        // HiveMQ caches a shared subscription's member list for a second: publish once both are in it.
        TimeUnit.MILLISECONDS.sleep(1500);

        Set<String> published = new java.util.HashSet<>();
        for (int i = 0; i < 40; i++) {
            ava4.publishWith().topic("dusun_pub").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("m" + i)).send();
            published.add("m" + i);
        }
        awaitCondition(() -> !holder.isEmpty());
        first.disconnect().join();

        // Released in-flight messages go back to the shared queue and wake the other members.
        awaitCondition(() -> survivor.containsAll(published));
        assertThat(survivor).containsAll(holder).hasSize(40);
    }

    @Test
    void givenPersistentSession_whenBrokerRestartsWhileSubscriberAway_thenQueuedMessagesDelivered() throws Exception {
        List<Mqtt5Publish> received = new CopyOnWriteArrayList<>();
        Mqtt5AsyncClient ingest = subscriber("ingest-1", received::add, false);
        ingest.subscribeWith().topicFilter("$share/ingest/CM4_BLE_GW_TX").qos(MqttQos.AT_LEAST_ONCE).send().join();
        ingest.disconnect().join();
        Mqtt5BlockingClient kiosk = connected("kiosk-1", "qube-vital", "qube-pw");
        for (int i = 0; i < 5; i++) {
            assertThat(publish(kiosk, "CM4_BLE_GW_TX").getError()).isEmpty();
        }
        kiosk.disconnect();

        broker.close();
        broker = startBroker();
        Mqtt5AsyncClient again = subscriber("ingest-1", received::add, false);

        awaitSize(received, 5);
        assertThat(again.getState().isConnected()).isTrue();
    }

    private Mqtt5AsyncClient subscriber(String id, java.util.function.Consumer<Mqtt5Publish> onMessage,
            boolean manualAck) {
        Mqtt5AsyncClient c = MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1")
                .serverPort(port).simpleAuth().username("ingest").password(bytes("ingest-pw")).applySimpleAuth()
                .buildAsync();
        c.publishes(MqttGlobalPublishFilter.ALL, onMessage, manualAck);
        c.connectWith().cleanStart(false).sessionExpiryInterval(3600).restrictions().receiveMaximum(10)
                .applyRestrictions().send().join();
        clients.add(() -> {
            if (c.getState().isConnected()) {
                c.disconnect().join();
            }
        });
        return c;
    }

    private Mqtt5BlockingClient blocking(String id, String user, String password) {
        return MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1").serverPort(port)
                .simpleAuth().username(user).password(bytes(password)).applySimpleAuth().buildBlocking();
    }

    private Mqtt5BlockingClient connected(String id, String user, String password) {
        Mqtt5BlockingClient c = blocking(id, user, password);
        c.connect();
        clients.add(() -> {
            if (c.getState().isConnected()) {
                c.disconnect();
            }
        });
        return c;
    }

    private static Mqtt5PublishResult publish(Mqtt5BlockingClient c, String topic) {
        return c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("{}")).send();
    }

    private static void awaitSize(List<?> list, int size) throws InterruptedException {
        awaitCondition(() -> list.size() >= size);
        assertThat(list).hasSize(size);
    }

    private static void awaitCondition(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 30 s").isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    private static String text(Mqtt5Publish p) {
        return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
