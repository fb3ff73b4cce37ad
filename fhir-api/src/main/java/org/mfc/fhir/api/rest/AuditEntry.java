package org.mfc.fhir.api.rest;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import jakarta.enterprise.context.RequestScoped;

/**
 * What the endpoint learnt about the request for its audit line ({@link ReadAudit}); filled as it goes. Methods
 * only: the injected object is a proxy that delegates calls, not field access, to the current request's instance.
 */
@RequestScoped
public class AuditEntry {

    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_:.\\-]{0,63}");
    private static final int MAX_PARAMETERS = 32;

    private String client = "-";
    private String scope = "-";
    private String patient;
    private String interaction = "-";
    private String type = "-";
    private final Set<String> parameters = new TreeSet<>();
    private int entries;

    void caller(String client, String scope) {
        this.client = client;
        this.scope = scope;
    }

    /**
     * The first patient named (the compartment, the searched or the read one) is the one audited. Only a FHIR id is
     * written as it is: anything else (a token's patient claim is the issuer's text) is {@code invalid}, so that no
     * claim can add words to the line.
     */
    void patient(String patientId) {
        if (patient == null && patientId != null) {
            patient = FHIR_ID.matcher(patientId).matches() ? patientId : "invalid";
        }
    }

    void interaction(String interaction, String type) {
        this.interaction = interaction;
        this.type = type;
    }

    /** A parameter's name; a name that is not one a search could use is written as {@code ?}. */
    void parameter(String name) {
        if (parameters.size() < MAX_PARAMETERS) {
            parameters.add(PARAMETER_NAME.matcher(name).matches() ? name : "?");
        }
    }

    void entries(int entries) {
        this.entries = entries;
    }

    String line(int status, String requestId) {
        return "fhir-read client=" + client + " scope=" + scope + " patient=" + (patient == null ? "-" : patient)
                + " interaction=" + interaction + " type=" + type + " params=" + String.join(",", parameters)
                + " status=" + status + " entries=" + entries + " request=" + requestId;
    }
}
