package org.mfc.fhir.api;

import java.time.Duration;
import java.util.Map;

import org.mfc.fhir.core.testing.TestJwt;

/** Bearer tokens for the read API: its audience, the given scopes and, for patient scopes, the patient claim. */
public final class ReadTokens {

    public static final String AUDIENCE = "mfc-fhir";

    private ReadTokens() {
    }

    public static String system() {
        return of("system/*.read", null);
    }

    public static String patient(String patientId) {
        return of("patient/*.read", patientId);
    }

    public static String of(String scope, String patientId) {
        Map<String, Object> claims = TestJwt.shared().claims("reader-" + scope.hashCode(), scope, null,
                Duration.ofMinutes(10));
        claims.put("aud", AUDIENCE);
        if (patientId != null) {
            claims.put("patient", patientId);
        }
        return TestJwt.shared().sign(claims);
    }
}
