package org.mfc.fhir.ingest.mqtt;

import org.mfc.fhir.core.model.DeviceFamily;

/**
 * Which device family publishes on a topic, and the topic the family's parser is given (devices.md section 6): the
 * topics are shared by a whole family and never name the device; the payload does. Kati watches publish under
 * {@code iMEDE_watch/<kind>}, and the parser is given {@code <kind>} as the HTTP path {@code /api/v1/kati/{topic}}
 * gives it.
 */
public final class MqttTopics {

    public static final String KATI_PREFIX = "iMEDE_watch/";

    /** A topic's family and the parser's topic argument (null where the payload says everything). */
    public record Route(DeviceFamily family, String parserTopic) {
    }

    private MqttTopics() {
    }

    /** The route of {@code topic}, or null for a topic no family publishes on. */
    public static Route route(String topic) {
        return switch (topic) {
            case "dusun_pub", "dusun_sub", "ESP32_BLE_GW_TX" -> new Route(DeviceFamily.AVA4, null);
            case "CM4_BLE_GW_TX" -> new Route(DeviceFamily.QUBE_VITAL, null);
            default -> topic.startsWith(KATI_PREFIX) && topic.length() > KATI_PREFIX.length()
                    && topic.indexOf('/', KATI_PREFIX.length()) < 0
                            ? new Route(DeviceFamily.KATI, topic.substring(KATI_PREFIX.length()))
                            : null;
        };
    }

    /** Whether a subscription filter is one whose messages {@link #route} can place. */
    public static boolean routable(String filter) {
        return route(filter) != null || filter.equals(KATI_PREFIX + "#") || filter.equals(KATI_PREFIX + "+");
    }
}
