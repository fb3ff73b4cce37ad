package org.mfc.fhir.core.testing;

import org.bson.types.ObjectId;
import org.mfc.fhir.infra.DemoRegistry;

import com.mongodb.client.MongoDatabase;

/**
 * The seeded legacy registry every module's tests use; the data itself lives in {@link DemoRegistry} so that local
 * runs and tests see the same synthetic patient.
 */
public final class LegacyRegistry {

    /** The patient who owns the AVA4 box and BP cuff of the {@code ava4/bp_biolight.json} fixture. */
    public static final ObjectId BP_PATIENT = DemoRegistry.BP_PATIENT;
    public static final String BP_BOX_MAC_IN_REGISTRY = DemoRegistry.BP_BOX_MAC_IN_REGISTRY;
    public static final String BP_CUFF_MAC_IN_REGISTRY = DemoRegistry.BP_CUFF_MAC_IN_REGISTRY;

    private LegacyRegistry() {
    }

    /** Patient, box and device documents for the blood-pressure fixture. Idempotent. */
    public static void seedBloodPressurePatient(MongoDatabase main) {
        DemoRegistry.seedBloodPressurePatient(main);
    }
}
