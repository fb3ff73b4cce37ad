package org.mfc.fhir.mqtt.broker;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;

/**
 * Publishes one file as a device would (MQTT 5, QoS 1) and prints the broker's answer: the stand-in for
 * {@code mosquitto_pub} on machines without it ({@code scripts/mqtt-pub.sh} wraps it).
 *
 * <pre>
 * java -cp mqtt-broker/target/mqtt-broker.jar org.mfc.fhir.mqtt.broker.MqttPublishMain --host 127.0.0.1 \
 *      --port 1883 --user ava4 --password ... --topic dusun_pub --file payload.json
 * </pre>
 * Exit code 0 when the broker acknowledged (PUBACK success), 1 otherwise.
 */
public final class MqttPublishMain {

    private MqttPublishMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        for (String required : new String[] {"user", "password", "topic", "file"}) {
            if (!o.containsKey(required)) {
                System.err.println("usage: --host H --port P --user U --password W --topic T --file F");
                System.exit(2);
            }
        }
        Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5()
                .identifier("mqtt-pub-" + ProcessHandle.current().pid())
                .serverHost(o.getOrDefault("host", "127.0.0.1"))
                .serverPort(Integer.parseInt(o.getOrDefault("port", "1883")))
                .simpleAuth().username(o.get("user")).password(o.get("password").getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth().buildBlocking();
        client.connect();
        try {
            Mqtt5PublishResult result = client.publishWith().topic(o.get("topic")).qos(MqttQos.AT_LEAST_ONCE)
                    .payload(Files.readAllBytes(Path.of(o.get("file")))).send();
            System.out.println("published to " + o.get("topic") + ": "
                    + result.getError().map(e -> "refused (" + e.getMessage() + ")").orElse("acknowledged"));
        } catch (RuntimeException e) {
            System.out.println("published to " + o.get("topic") + ": refused (" + e.getMessage() + ")");
            System.exit(1);
        } finally {
            client.disconnect();
        }
    }
}
