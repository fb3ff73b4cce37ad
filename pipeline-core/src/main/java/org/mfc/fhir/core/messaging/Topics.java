package org.mfc.fhir.core.messaging;

/**
 * Default names of the pipeline's topics. Operators rename them by environment ({@code FHIR_QUEUE_NAME},
 * {@code FHIR_DEAD_LETTER_TOPIC}, {@code FHIR_ALERT_TOPIC}, {@code MQTT_REJECTS_TOPIC}), bound once per service in its
 * {@code application.properties}; these constants are the defaults of the typed configuration behind them and of the
 * command-line tools.
 */
public final class Topics {

    /** Accepted device messages ({@code FHIR_QUEUE_NAME}), one {@link ReadingsCodec} record each. */
    public static final String READINGS = "fhir.readings";
    /** Records the worker could not process, with {@link DeadLetterHeaders} ({@code FHIR_DEAD_LETTER_TOPIC}). */
    public static final String DEAD_LETTER = "fhir.readings.dlq";
    /** Watch alarms (SOS, fall) for the notification service ({@code FHIR_ALERT_TOPIC}). */
    public static final String ALERTS = "fhir.alerts";
    /** MQTT messages the ingest API refused, as the device sent them ({@code MQTT_REJECTS_TOPIC}). */
    public static final String MQTT_REJECTS = "fhir.mqtt.rejects";

    private Topics() {
    }
}
