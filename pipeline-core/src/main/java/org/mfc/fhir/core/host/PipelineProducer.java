package org.mfc.fhir.core.host;

import java.time.Clock;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.mfc.fhir.core.process.Pipeline;

import com.mongodb.client.MongoClient;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The one CDI wiring of the shared pipeline; each host injects {@link Pipeline}. */
@ApplicationScoped
public class PipelineProducer {

    /** Stops the pipeline's background work when the container shuts down, before the MongoDB client closes. */
    void stop(@jakarta.enterprise.inject.Disposes Pipeline pipeline) {
        pipeline.stop();
    }

    @Produces
    @Singleton
    Pipeline pipeline(MongoClient client, PipelineConfig config,
            @ConfigProperty(name = "quarkus.application.name") String applicationName) {
        return new Pipeline(client, new Pipeline.Settings(config.mainDb(), config.fhirDb(), config.legacyRouting(),
                config.registryCacheTtl(), applicationName, config.legacyBucketMaxEntries(),
                config.deviceClockMaxAhead(), config.deviceTimeStaleAfter()), Clock.systemUTC());
    }
}
