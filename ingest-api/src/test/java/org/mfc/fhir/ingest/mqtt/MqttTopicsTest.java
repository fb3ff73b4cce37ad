package org.mfc.fhir.ingest.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.model.DeviceFamily;

class MqttTopicsTest {

    @Test
    void givenFleetTopics_whenRouted_thenFamilyAndParserTopicAsOverHttp() {
        assertThat(MqttTopics.route("dusun_pub")).isEqualTo(new MqttTopics.Route(DeviceFamily.AVA4, null));
        assertThat(MqttTopics.route("dusun_sub")).isEqualTo(new MqttTopics.Route(DeviceFamily.AVA4, null));
        assertThat(MqttTopics.route("ESP32_BLE_GW_TX")).isEqualTo(new MqttTopics.Route(DeviceFamily.AVA4, null));
        assertThat(MqttTopics.route("CM4_BLE_GW_TX")).isEqualTo(new MqttTopics.Route(DeviceFamily.QUBE_VITAL, null));
        assertThat(MqttTopics.route("iMEDE_watch/VitalSign"))
                .isEqualTo(new MqttTopics.Route(DeviceFamily.KATI, "VitalSign"));
        assertThat(MqttTopics.route("iMEDE_watch/sos")).isEqualTo(new MqttTopics.Route(DeviceFamily.KATI, "sos"));
    }

    @Test
    void givenOtherTopics_whenRouted_thenNoFamily() {
        assertThat(MqttTopics.route("DUSUN_PUB")).isNull();
        assertThat(MqttTopics.route("iMEDE_watch/")).isNull();
        assertThat(MqttTopics.route("iMEDE_watch/a/b")).isNull();
        assertThat(MqttTopics.route("something/else")).isNull();
        assertThat(MqttTopics.routable("iMEDE_watch/#")).isTrue();
        assertThat(MqttTopics.routable("#")).isFalse();
    }

    /**
     * The broker acknowledges a QoS 1 message on a topic nobody subscribes to and drops it: every topic the shipped
     * access file lets a device publish on must be one the ingest API subscribes to by default, and the ingest
     * account must be allowed each of those subscriptions.
     */
    @Test
    void givenShippedBrokerAccess_whenComparedWithDefaultSubscriptions_thenEveryDeviceTopicIsRead() throws IOException {
        List<String> subscribed = defaultTopics();
        List<String> published = new ArrayList<>();
        List<String> ingestMaySubscribe = new ArrayList<>();
        String user = null;
        for (String line : Files.readAllLines(Path.of("..", "mqtt-broker", "config", "access.conf"))) {
            String[] words = line.strip().split("\\s+");
            if (words.length < 2 || words[0].startsWith("#")) {
                continue;
            }
            switch (words[0]) {
                case "user" -> user = words[1];
                case "publish" -> published.add(words[1]);
                case "subscribe" -> {
                    if ("ingest".equals(user)) {
                        ingestMaySubscribe.add(words[1]);
                    }
                }
                default -> {
                }
            }
        }
        assertThat(published).isNotEmpty();
        for (String topic : published) {
            String example = topic.replace("+", "Level").replace("#", "Level");
            assertThat(subscribed).as("a default subscription reads what devices may publish on " + topic)
                    .anyMatch(filter -> matches(filter, example));
        }
        assertThat(ingestMaySubscribe).as("the ingest account may subscribe to every default topic")
                .containsAll(subscribed);
    }

    private static List<String> defaultTopics() throws IOException {
        Properties p = new Properties();
        try (InputStream in = MqttTopicsTest.class.getResourceAsStream("/application.properties")) {
            p.load(in);
        }
        Matcher m = Pattern.compile("\\$\\{MQTT_TOPICS:(.*)}").matcher(p.getProperty("ingest.mqtt.topics"));
        assertThat(m.matches()).isTrue();
        return Arrays.asList(m.group(1).split(","));
    }

    /** MQTT topic filter matching: {@code +} one level, {@code #} the rest. */
    private static boolean matches(String filter, String topic) {
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length || !(f[i].equals("+") || f[i].equals(t[i]))) {
                return false;
            }
        }
        return f.length == t.length;
    }
}
