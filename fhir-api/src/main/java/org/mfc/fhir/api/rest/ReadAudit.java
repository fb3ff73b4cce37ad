package org.mfc.fhir.api.rest;

import org.jboss.logging.Logger;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * One structured audit line per request, refused ones included (category {@code org.mfc.fhir.api.audit}): who
 * (token subject and scope kind), which patient's data (the compartment or the searched patient: an opaque id), what
 * (interaction, type, the NAMES of the parameters), the answer (status, entries returned) and the request id. Never
 * parameter values (an identifier search carries citizen ids), resource ids other than the patient's, or any content.
 */
@Provider
public class ReadAudit implements ContainerResponseFilter {

    private static final Logger LOG = Logger.getLogger("org.mfc.fhir.api.audit");

    @Inject
    AuditEntry entry;

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!request.getUriInfo().getPath().startsWith("/fhir")) {
            return;
        }
        if (LOG.isInfoEnabled()) {
            LOG.info(entry.line(response.getStatus(), RequestIds.of(request)));
        }
    }
}
