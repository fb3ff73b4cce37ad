package org.mfc.fhir.api.rest;

import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.RequestScoped;

/**
 * What the endpoint learnt about the request for its audit line ({@link ReadAudit}); filled as it goes. Methods
 * only: the injected object is a proxy that delegates calls, not field access, to the current request's instance.
 */
@RequestScoped
public class AuditEntry {

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

    /** The first patient named (the compartment, the searched or the read one) is the one audited. */
    void patient(String patientId) {
        if (patient == null && patientId != null) {
            patient = patientId;
        }
    }

    void interaction(String interaction, String type) {
        this.interaction = interaction;
        this.type = type;
    }

    void parameter(String name) {
        parameters.add(name);
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
