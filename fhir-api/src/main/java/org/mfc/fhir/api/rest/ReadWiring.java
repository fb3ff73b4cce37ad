package org.mfc.fhir.api.rest;

import org.mfc.fhir.api.config.FhirApiConfig;
import org.mfc.fhir.api.fhir.FhirRenderer;
import org.mfc.fhir.api.search.SearchParser;
import org.mfc.fhir.api.service.ReadService;
import org.mfc.fhir.api.store.ObservationQueries;
import org.mfc.fhir.api.store.ReadIndexGate;
import org.mfc.fhir.api.store.ResourceLookups;
import org.mfc.fhir.core.host.PipelineConfig;
import org.mfc.fhir.core.store.FhirStore;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The CDI wiring of the read path over the core's store, and the start-up work that must not land on the first
 * request: HAPI's model scans (JSON and XML) and the indexes the queries name (retried in the background while
 * MongoDB is away).
 */
@ApplicationScoped
public class ReadWiring {

    @Produces
    @Singleton
    FhirStore fhirStore(MongoClient client, PipelineConfig pipeline) {
        return new FhirStore(client.getDatabase(pipeline.fhirDb()));
    }

    @Produces
    @Singleton
    ReadIndexGate readIndexGate(FhirStore store) {
        return new ReadIndexGate(store);
    }

    @Produces
    @Singleton
    ReadService readService(FhirStore store, FhirApiConfig config, ReadIndexGate gate) {
        MongoDatabase db = store.database();
        return new ReadService(new ObservationQueries(db, config.queryTimeout()),
                new ResourceLookups(db, config.queryTimeout()), gate::beforeQuery);
    }

    @Produces
    @Singleton
    SearchParser searchParser(FhirApiConfig config) {
        return new SearchParser(new SearchParser.Limits(config.defaultCount(), config.maxCount(), config.lastnMax(),
                config.maxValues()));
    }

    void onStart(@Observes StartupEvent event, ReadIndexGate gate) {
        FhirRenderer.warmUp();
        gate.ensureInBackground();
    }

    void onStop(@Observes ShutdownEvent event, ReadIndexGate gate) {
        gate.stop();
    }
}
