package org.mfc.fhir.core.host;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;

/**
 * Settings every host of the pipeline shares. Their operator-facing environment variables and defaults are written
 * once, in this module's {@code META-INF/microprofile-config.properties}, which every service reads below its own
 * {@code application.properties}.
 */
@ConfigMapping(prefix = "pipeline")
public interface PipelineConfig {

    /** Legacy application database ({@code MONGODB_MAIN_DB}). */
    @WithName("main-db")
    String mainDb();

    /** Dedicated FHIR database ({@code MONGODB_FHIR_DB}). */
    @WithName("fhir-db")
    String fhirDb();

    /** Also write the legacy history collections and {@code patients.last_*} ({@code ENABLE_LEGACY_ROUTING}). */
    @WithName("legacy-routing")
    boolean legacyRouting();

    /** How long a device-to-patient answer is cached: the longest time a registry change takes to be seen. */
    @WithName("registry-cache-ttl")
    Duration registryCacheTtl();

    /**
     * How far after its receipt a device's measurement time may be ({@code DEVICE_CLOCK_MAX_AHEAD}): a small skew
     * of a device clock; a time further ahead is refused naming the time field. Set the same on the ingest API and
     * the worker.
     */
    @WithName("device-clock-max-ahead")
    Duration deviceClockMaxAhead();

    /**
     * A reading received more than this after its measurement time is stored with a {@code delayed-report} tag
     * ({@code DEVICE_TIME_STALE_AFTER}).
     */
    @WithName("device-time-stale-after")
    Duration deviceTimeStaleAfter();

    /**
     * Newest entries a legacy history bucket keeps ({@code LEGACY_BUCKET_MAX_ENTRIES}); older ones are dropped from
     * the bucket (the FHIR database keeps them), so no bucket reaches MongoDB's 16 MiB document limit.
     */
    @WithName("legacy-bucket-max-entries")
    int legacyBucketMaxEntries();
}
