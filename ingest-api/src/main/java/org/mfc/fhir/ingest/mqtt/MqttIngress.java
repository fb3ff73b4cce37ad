package org.mfc.fhir.ingest.mqtt;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;
import org.mfc.fhir.ingest.config.IngestConfig;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperties;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscription;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * The ingest API's MQTT 5 client: one persistent session per instance (clean start off, {@code MQTT_SESSION_EXPIRY}),
 * the device topics as shared subscriptions ({@code $share/<MQTT_SHARE_GROUP>/<topic>}, QoS 1), manual
 * acknowledgement ({@link MqttMessageHandler} decides when), and at most {@code MQTT_MAX_IN_FLIGHT} messages
 * unacknowledged. It reconnects by itself; while the broker is away HTTP ingest is unaffected.
 */
@ApplicationScoped
public class MqttIngress {

    private static final Logger LOG = Logger.getLogger(MqttIngress.class);
    /** The user property the broker stamps with the publishing account (mqtt-broker's AccessControl). */
    static final String PUBLISHER_PROPERTY = "mfc-publisher";
    /** W3C trace context in MQTT 5 user properties ({@code traceparent}, {@code tracestate}), as in Kafka headers. */
    private static final TextMapGetter<Mqtt5UserProperties> USER_PROPERTIES = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Mqtt5UserProperties carrier) {
            return carrier.asList().stream().map(p -> p.getName().toString()).toList();
        }

        @Override
        public String get(Mqtt5UserProperties carrier, String key) {
            return carrier == null ? null : carrier.asList().stream().filter(p -> key.equals(p.getName().toString()))
                    .map(p -> p.getValue().toString()).findFirst().orElse(null);
        }
    };

    @Inject
    MqttConfig config;

    @Inject
    MqttMessageHandler handler;

    @Inject
    MqttStats stats;

    @Inject
    IngestConfig ingestConfig;

    @Inject
    OpenTelemetry openTelemetry;

    private Mqtt5AsyncClient client;
    /** Set at shutdown: no reconnect after it, even while the broker was away. */
    private final java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
    private String clientId;

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled()) {
            stats.connection(false, "disabled");
            return;
        }
        for (String filter : config.topics()) {
            if (!MqttTopics.routable(filter)) {
                throw new IllegalStateException("MQTT_TOPICS: no device family publishes on '" + filter + "'");
            }
        }
        clientId = config.clientId().orElseGet(MqttIngress::defaultClientId);
        Mqtt5ClientBuilder builder = MqttClient.builder().useMqttVersion5().identifier(clientId)
                .serverHost(config.host()).serverPort(config.port())
                .automaticReconnect().initialDelay(500, TimeUnit.MILLISECONDS).maxDelay(10, TimeUnit.SECONDS)
                .applyAutomaticReconnect()
                .addConnectedListener(context -> {
                    stats.connection(true, "connected");
                    LOG.infof("MQTT: connected to %s:%d as %s", config.host(), config.port(), clientId);
                    subscribe();
                })
                .addDisconnectedListener(context -> {
                    if (stopping.get()) {
                        // The client's own reconnect outlives disconnect() when it was not connected (HiveMQ
                        // client issue 675): cancelled here, on the attempt that follows the stop.
                        context.getReconnector().reconnect(false);
                        return;
                    }
                    String cause = context.getCause() == null ? "?" : context.getCause().getClass().getSimpleName();
                    if (stats.connected()) {
                        LOG.warnf("MQTT: disconnected from %s:%d (%s); reconnecting", config.host(), config.port(),
                                cause);
                    }
                    stats.connection(false, "disconnected: " + cause);
                });
        if (config.password().isPresent()) {
            builder = builder.simpleAuth().username(config.username())
                    .password(config.password().get().getBytes(StandardCharsets.UTF_8)).applySimpleAuth();
        }
        client = builder.buildAsync();
        // Registered before connecting: a resumed session delivers its queued messages right after CONNACK.
        client.publishes(MqttGlobalPublishFilter.ALL, this::onPublish, true);
        stats.connection(false, "connecting");
        client.connectWith()
                .cleanStart(false)
                .sessionExpiryInterval(config.sessionExpiry().toSeconds())
                .keepAlive((int) config.keepAlive().toSeconds())
                .restrictions().receiveMaximum(config.maxInFlight())
                // A packet over the API's body limit (plus the MQTT header) is refused by the client itself.
                .maximumPacketSize(Math.max(1024, handlerLimit()))
                .applyRestrictions()
                .send()
                .whenComplete((ack, failure) -> {
                    if (failure != null) {
                        LOG.warnf("MQTT: broker %s:%d not reachable yet (%s); retrying in the background",
                                config.host(), config.port(), failure.getClass().getSimpleName());
                    }
                });
    }

    private int handlerLimit() {
        return ingestConfig.maxBodyBytes() + 64 * 1024;
    }

    private void onPublish(Mqtt5Publish publish) {
        byte[] payload = publish.getPayloadAsBytes();
        String topic = publish.getTopic().toString();
        String publisher = publish.getUserProperties().asList().stream()
                .filter(p -> PUBLISHER_PROPERTY.equals(p.getName().toString()))
                .map(p -> p.getValue().toString()).findFirst().orElse(null);
        long seq = stats.received(topic, payload);
        Context trace = openTelemetry.getPropagators().getTextMapPropagator().extract(Context.root(),
                publish.getUserProperties(), USER_PROPERTIES);
        handler.handle(new MqttMessage(seq, topic, payload, publisher,
                Instant.now().truncatedTo(ChronoUnit.MILLIS), publish::acknowledge, 0, trace));
    }

    private void subscribe() {
        List<Mqtt5Subscription> subscriptions = new ArrayList<>();
        List<String> filters = new ArrayList<>();
        for (String topic : config.topics()) {
            String filter = "$share/" + config.shareGroup() + "/" + topic;
            filters.add(filter);
            subscriptions.add(Mqtt5Subscription.builder().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).build());
        }
        client.subscribeWith().addSubscriptions(subscriptions).send().whenComplete((subAck, failure) -> {
            if (failure != null) {
                LOG.errorf("MQTT: subscribing to %s failed (%s)", filters, failure.getMessage());
                stats.connection(true, "connected, subscription refused");
                return;
            }
            stats.subscribed(filters);
            LOG.infof("MQTT: subscribed to %s", filters);
        });
    }

    /**
     * Lets messages in hand finish (bounded), then disconnects: the session and its subscriptions stay with the
     * broker, and what is still unacknowledged is re-sent to the share group.
     */
    void onStop(@Observes ShutdownEvent event) {
        if (client == null) {
            return;
        }
        stopping.set(true);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (stats.unacknowledgedCount() > 0 && System.nanoTime() < deadline) {
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            if (client.getState().isConnected()) {
                client.disconnect().get(2, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            LOG.debugf("MQTT: disconnect on shutdown failed (%s)", e.getClass().getSimpleName());
        }
        stats.connection(false, "stopped");
    }

    public String clientId() {
        return clientId;
    }

    static String defaultClientId() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "unknown-host";
            }
        }
        return "ingest-api-" + host;
    }
}
