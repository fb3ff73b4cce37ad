package org.mfc.fhir.core.host;

import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;

/**
 * Every request of an HTTP host has an id: the client's {@code X-Request-ID} when it is a sane token, else a new UUID;
 * echoed in the response header. Each host registers it with its own {@code @Provider @PreMatching} subclass (this
 * class is not a provider, so a host that indexes the core does not get it without asking) and reads the id with
 * {@link #requestId}.
 */
public abstract class RequestIdFilter implements ContainerRequestFilter, ContainerResponseFilter {

    public static final String HEADER = "X-Request-ID";
    /** What a client may send as its id; anything else is replaced, never echoed. */
    public static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");
    private static final String PROPERTY = "mfc.request-id";

    @Override
    public void filter(ContainerRequestContext request) {
        String given = request.getHeaderString(HEADER);
        request.setProperty(PROPERTY, given != null && SANE.matcher(given).matches() ? given
                : UUID.randomUUID().toString());
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Object id = request.getProperty(PROPERTY);
        if (id != null) {
            response.getHeaders().putSingle(HEADER, id);
        }
    }

    /** The request's id, or null before the filter ran (a request refused before matching). */
    public static String requestId(ContainerRequestContext request) {
        Object id = request.getProperty(PROPERTY);
        return id == null ? null : id.toString();
    }
}
