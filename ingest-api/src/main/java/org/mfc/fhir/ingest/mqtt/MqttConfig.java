package org.mfc.fhir.ingest.mqtt;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.mfc.fhir.core.messaging.Topics;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** The MQTT ingress: where the broker is, what to subscribe to, and the limits applied to device messages. */
@ConfigMapping(prefix = "ingest.mqtt")
public interface MqttConfig {

    /** Subscribe to the device topics ({@code MQTT_ENABLED}); off, the API takes HTTP only. */
    @WithDefault("false")
    boolean enabled();

    /** Broker host ({@code MQTT_HOST}). */
    @WithDefault("localhost")
    String host();

    /** Broker port ({@code MQTT_PORT}). */
    @WithDefault("1883")
    int port();

    /** Account of the ingest side in the broker's access file ({@code MQTT_USERNAME}). */
    @WithDefault("ingest")
    String username();

    /** Its password ({@code MQTT_PASSWORD}). */
    Optional<String> password();

    /**
     * Client id, which names this instance's persistent session ({@code MQTT_CLIENT_ID}; default
     * {@code ingest-api-<host name>}). Each instance needs its own, stable across its restarts: an instance that
     * comes back under the same id resumes its session; two instances with one id take the session from each other.
     */
    @WithName("client-id")
    Optional<String> clientId();

    /**
     * Shared-subscription group ({@code MQTT_SHARE_GROUP}): instances in one group share the device topics
     * ({@code $share/<group>/<topic>}), each message going to one of them.
     */
    @WithName("share-group")
    @WithDefault("fhir-ingest")
    String shareGroup();

    /**
     * Topic filters subscribed to ({@code MQTT_TOPICS}, comma-separated). Each must map to a device family
     * ({@link MqttTopics}); devices.md section 6 lists the fleet's topics.
     */
    @WithDefault("dusun_pub,ESP32_BLE_GW_TX,iMEDE_watch/#,CM4_BLE_GW_TX")
    List<String> topics();

    /**
     * How long the broker keeps this instance's session (subscriptions and queued messages) while it is away
     * ({@code MQTT_SESSION_EXPIRY}).
     */
    @WithName("session-expiry")
    @WithDefault("7d")
    Duration sessionExpiry();

    /** Keep-alive interval ({@code MQTT_KEEP_ALIVE}); a silent broker is given up after 1.5 times this. */
    @WithName("keep-alive")
    @WithDefault("30s")
    Duration keepAlive();

    /**
     * Most messages the broker may have handed to this instance unacknowledged ({@code MQTT_MAX_IN_FLIGHT}, MQTT 5
     * receive maximum): the bound of this instance's memory for MQTT payloads and of what the broker re-sends after
     * a crash.
     */
    @WithName("max-in-flight")
    @WithDefault("100")
    int maxInFlight();

    /** Messages per second each device (the payload's device key) may sustain ({@code MQTT_DEVICE_RATE_PER_SECOND}). */
    @WithName("device-rate.per-second")
    @WithDefault("5")
    double deviceRatePerSecond();

    /** Messages a device may send at once above that rate ({@code MQTT_DEVICE_RATE_BURST}). */
    @WithName("device-rate.burst")
    @WithDefault("60")
    int deviceRateBurst();

    /**
     * Kafka topic that keeps refused MQTT messages as they arrived, with the reason in headers
     * ({@code MQTT_REJECTS_TOPIC}).
     */
    @WithName("rejects-topic")
    @WithDefault(Topics.MQTT_REJECTS)
    String rejectsTopic();

    /** First wait before a message that could be neither queued nor stored is tried again ({@code MQTT_RETRY_INITIAL_BACKOFF}). */
    @WithName("retry-initial-backoff")
    @WithDefault("1s")
    Duration retryInitialBackoff();

    /** Longest wait between such attempts ({@code MQTT_RETRY_MAX_BACKOFF}). */
    @WithName("retry-max-backoff")
    @WithDefault("30s")
    Duration retryMaxBackoff();
}
