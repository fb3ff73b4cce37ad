package org.mfc.fhir.worker;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.mfc.fhir.core.store.MongoErrors;
import org.mfc.fhir.core.store.TransientStoreException;

import com.mongodb.MongoException;

import jakarta.ws.rs.core.Response;

/**
 * The admin endpoints' answer when the database they read is unavailable: 503 with a problem document and
 * {@code Retry-After}, so an operator diagnosing an outage is told it is one (not a 500 page).
 */
public class AdminFailures {

    private static final Logger LOG = Logger.getLogger(AdminFailures.class);
    static final int RETRY_AFTER_SECONDS = 5;

    @ServerExceptionMapper
    public Response storeUnavailable(TransientStoreException e) {
        return unavailable(e);
    }

    @ServerExceptionMapper
    public Response mongo(MongoException e) {
        if (!MongoErrors.isTransient(e)) {
            LOG.errorf("admin request failed on the database: %s", e.getClass().getSimpleName());
            LOG.debug("admin request database failure", e);
            return Response.status(500).type(AdminParameters.PROBLEM_JSON).entity(body(500, "Internal error",
                    "the database refused the request; it has been logged")).build();
        }
        return unavailable(e);
    }

    private static Response unavailable(RuntimeException e) {
        LOG.warnf("admin request: the database is unavailable (%s)", e.getClass().getSimpleName());
        return Response.status(503).type(AdminParameters.PROBLEM_JSON).header("Retry-After", RETRY_AFTER_SECONDS)
                .entity(body(503, "Database unavailable", "the database did not answer; retry later")).build();
    }

    private static Map<String, Object> body(int status, String title, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        return body;
    }
}
