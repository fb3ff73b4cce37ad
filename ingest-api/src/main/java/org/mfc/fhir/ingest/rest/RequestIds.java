package org.mfc.fhir.ingest.rest;

import org.mfc.fhir.core.host.RequestIdFilter;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;

/**
 * The request ids of the ingest API ({@link RequestIdFilter}): echoed in the response header and in problem bodies
 * ({@code request_id}), as the old API did.
 */
@Provider
@PreMatching
public class RequestIds extends RequestIdFilter {

    static String of(ContainerRequestContext request) {
        return requestId(request);
    }
}
