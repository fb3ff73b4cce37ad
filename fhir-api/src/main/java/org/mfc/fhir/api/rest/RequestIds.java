package org.mfc.fhir.api.rest;

import org.mfc.fhir.core.host.RequestIdFilter;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;

/** The request ids of the read API ({@link RequestIdFilter}, as the ingest API has them), echoed in the audit line. */
@Provider
@PreMatching
public class RequestIds extends RequestIdFilter {

    /** The id for the audit and log lines; {@code -} when there is none. */
    static String of(ContainerRequestContext request) {
        String id = requestId(request);
        return id == null ? "-" : id;
    }
}
