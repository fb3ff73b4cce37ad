package org.mfc.fhir.core.parse;

import java.time.Instant;

import org.mfc.fhir.core.model.DeviceIdentity;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An emergency event from a watch (SOS button, fall detected). {@code type} is the legacy {@code alert_type}
 * ({@code sos}, {@code fall_down}); {@code priority} is {@code CRITICAL} or {@code HIGH}.
 */
public record AlertEvent(DeviceIdentity device, String type, String status, String priority, Instant time,
        JsonNode location) {
}
