package org.mfc.fhir.ingest.metrics;

import org.mfc.fhir.core.host.MongoCommandSpans;

import io.opentelemetry.api.OpenTelemetry;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The MongoDB client's command listener for spans: names and collections, never the command (MongoCommandSpans). */
@ApplicationScoped
public class MongoTracing {

    @Produces
    @Singleton
    @Unremovable
    MongoCommandSpans mongoCommandSpans(OpenTelemetry openTelemetry) {
        return new MongoCommandSpans(openTelemetry);
    }
}
