package org.mfc.fhir.core.parse;

/** What a device message is, which decides where it goes after parsing. */
public enum MessageClass {
    /** Medical readings: become Observations and legacy entries. */
    READINGS,
    /** Heartbeat, power-on, connectivity: device status, not patient data. */
    DEVICE_STATUS,
    /** A gateway's answer to a command ({@code data} holds only {@code id}/{@code code}): nothing to store. */
    COMMAND_STATUS,
    /** SOS or fall: an alert for whoever must act. */
    ALERT
}
