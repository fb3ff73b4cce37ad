package org.mfc.fhir.api.rest;

import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.RequestScoped;

/** What the endpoint learnt about the request for its audit line ({@link ReadAudit}); filled as it goes. */
@RequestScoped
public class AuditEntry {
    String client = "-";
    String scope = "-";
    String patient = "-";
    String interaction = "-";
    String type = "-";
    final Set<String> parameters = new TreeSet<>();
    int entries;
}
