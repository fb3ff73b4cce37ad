package org.mfc.fhir.ingest;

import org.mfc.fhir.core.process.Pipeline;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/** Start-up work that must not land on the first request (FHIR model scan, indexes for the synchronous path). */
@ApplicationScoped
public class IngestStartup {

    @Inject
    Pipeline pipeline;

    void onStart(@Observes StartupEvent event) {
        pipeline.start();
    }
}
