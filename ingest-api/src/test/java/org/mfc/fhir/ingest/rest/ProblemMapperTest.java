package org.mfc.fhir.ingest.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.store.TransientStoreException;

import com.mongodb.MongoTimeoutException;

import jakarta.ws.rs.core.Response;

/** Failures that reach the REST layer: the database away is a 503 to retry, never an unexpected 500. */
class ProblemMapperTest {

    private final ProblemMapper mapper = new ProblemMapper();

    @Test
    void givenTheDatabaseUnavailable_whenAnAdminReadFails_then503WithRetryAfter() {
        for (Response r : new Response[] {
                mapper.storeUnavailable(new TransientStoreException("read status", null), null),
                mapper.mongo(new MongoTimeoutException("no server within 5000 ms"), null)}) {
            assertThat(r.getStatus()).isEqualTo(503);
            assertThat(r.getMediaType().toString()).isEqualTo(ProblemMapper.PROBLEM_JSON);
            assertThat(r.getHeaderString("Retry-After")).isEqualTo("5");
            @SuppressWarnings("unchecked")
            Map<String, Object> body = (Map<String, Object>) r.getEntity();
            assertThat(body).containsEntry("status", 503)
                    .containsEntry("title", "Temporarily unable to store readings");
        }
    }
}
