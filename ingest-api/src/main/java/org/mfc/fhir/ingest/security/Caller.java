package org.mfc.fhir.ingest.security;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.mfc.fhir.core.host.auth.Scopes;
import org.mfc.fhir.core.ids.Identifiers;
import org.mfc.fhir.core.model.DeviceIdentity;

/**
 * The authenticated client of a request: the token's subject (rate limits, {@code client_id} in the Kafka record)
 * and the devices it may post for. Device binding fails closed: a token with a {@code device_ids} claim may post
 * for those devices only; a token without one may post for any device only when it carries the fleet-wide scope
 * ({@link Scopes#FLEET}, for trusted bridges), else for none. The claim holds normalised device keys
 * ({@code imei-865067123456789}, {@code box-DCDA0C5A8064}) or raw ids in any spelling ({@code DC:DA:0C:5A:80:64}).
 */
public record Caller(String subject, Set<String> deviceIds, boolean fleet) {

    public static final String DEVICE_IDS_CLAIM = "device_ids";

    /** The verifier refuses tokens without a principal (sub, upn or preferred_username), so there is always one. */
    public static Caller of(JsonWebToken token) {
        String subject = token.getSubject() != null ? token.getSubject() : token.getName();
        boolean fleet = token.getGroups() != null && token.getGroups().contains(Scopes.FLEET);
        Object claim = token.getClaim(DEVICE_IDS_CLAIM);
        if (claim == null) {
            return new Caller(subject, null, fleet);
        }
        Set<String> ids = new LinkedHashSet<>();
        if (claim instanceof Collection<?> values) {
            values.forEach(v -> ids.add(unquote(String.valueOf(v))));
        } else if (claim instanceof jakarta.json.JsonArray array) {
            array.forEach(v -> ids.add(unquote(v.toString())));
        } else {
            ids.add(unquote(claim.toString()));
        }
        return new Caller(subject, Set.copyOf(ids), fleet);
    }

    private static String unquote(String s) {
        String t = s.strip();
        return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
    }

    /** Whether the token names the devices it is for: its messages then write only for those devices' patients. */
    public boolean bound() {
        return deviceIds != null;
    }

    /**
     * Whether this caller may post for {@code device}: the device's key or id in any spelling is bound to the token,
     * or the token is unbound and fleet-wide.
     */
    public boolean mayPostFor(DeviceIdentity device) {
        if (deviceIds == null) {
            return fleet;
        }
        for (String bound : deviceIds) {
            if (bound.equalsIgnoreCase(device.key()) || device.id().equals(normalised(device, bound))) {
                return true;
            }
        }
        return false;
    }

    private static String normalised(DeviceIdentity device, String raw) {
        return switch (device.type()) {
            case IMEI -> Identifiers.imei(raw).orElse(null);
            case BLE_MAC, BOX_MAC -> Identifiers.mac(raw).orElse(null);
        };
    }
}
