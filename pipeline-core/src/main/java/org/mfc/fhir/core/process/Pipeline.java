package org.mfc.fhir.core.process;

import java.time.Clock;
import java.time.Duration;

import org.mfc.fhir.core.fhir.FhirJson;
import org.mfc.fhir.core.parse.DeviceTimeRule;
import org.mfc.fhir.core.parse.Parsers;
import org.mfc.fhir.core.legacy.EmergencyAlarmStore;
import org.mfc.fhir.core.store.FhirStore;
import org.mfc.fhir.core.legacy.LegacyStore;
import org.mfc.fhir.core.store.ParkedReadingStore;
import org.mfc.fhir.core.legacy.PatientDirectory;
import org.mfc.fhir.core.store.StoreIndexes;

import com.mongodb.client.MongoClient;

/**
 * Wires the shared pipeline from a MongoDB client and settings, the same way in every host (ingest API fallback,
 * parser worker, tests), so no host assembles its own variant.
 */
public final class Pipeline {

    /**
     * @param mainDb        legacy database ({@code MONGODB_MAIN_DB})
     * @param fhirDb        FHIR database ({@code MONGODB_FHIR_DB})
     * @param legacyRouting write legacy history collections ({@code ENABLE_LEGACY_ROUTING})
     * @param registryTtl   longest time a registry change takes to be seen
     * @param sourceSystem  {@code source_system} of what this host stores
     * @param legacyBucketMaxEntries newest entries a legacy bucket keeps ({@code LEGACY_BUCKET_MAX_ENTRIES})
     * @param clockMaxAhead how far after receipt a device time may be ({@code DEVICE_CLOCK_MAX_AHEAD})
     * @param staleAfter    a reading received more than this after it was measured is tagged delayed
     *                      ({@code DEVICE_TIME_STALE_AFTER})
     */
    public record Settings(String mainDb, String fhirDb, boolean legacyRouting, Duration registryTtl,
            String sourceSystem, int legacyBucketMaxEntries, Duration clockMaxAhead, Duration staleAfter) {

        public Settings(String mainDb, String fhirDb, boolean legacyRouting, Duration registryTtl,
                String sourceSystem) {
            this(mainDb, fhirDb, legacyRouting, registryTtl, sourceSystem, LegacyStore.DEFAULT_MAX_ENTRIES_PER_BUCKET);
        }

        public Settings(String mainDb, String fhirDb, boolean legacyRouting, Duration registryTtl,
                String sourceSystem, int legacyBucketMaxEntries) {
            this(mainDb, fhirDb, legacyRouting, registryTtl, sourceSystem, legacyBucketMaxEntries,
                    DeviceTimeRule.DEFAULT_MAX_AHEAD, DeviceTimeRule.DEFAULT_STALE_AFTER);
        }
    }

    private final Parsers parsers;
    private final FhirStore fhirStore;
    private final LegacyStore legacyStore;
    private final ParkedReadingStore parked;
    private final PatientDirectory directory;
    private final EmergencyAlarmStore alarms;
    private final ReadingProcessor processor;
    private final ParkedReprocessor reprocessor;
    private final StoreIndexes indexes;

    public Pipeline(MongoClient client, Settings settings, Clock clock) {
        this.parsers = new Parsers(new DeviceTimeRule(settings.clockMaxAhead()));
        this.fhirStore = new FhirStore(client.getDatabase(settings.fhirDb()));
        this.legacyStore = new LegacyStore(client.getDatabase(settings.mainDb()), settings.legacyBucketMaxEntries());
        this.parked = new ParkedReadingStore(client.getDatabase(settings.fhirDb()));
        this.directory = new PatientDirectory(client.getDatabase(settings.mainDb()), settings.registryTtl(), 50_000,
                clock);
        this.alarms = new EmergencyAlarmStore(client.getDatabase(settings.mainDb()));
        this.indexes = new StoreIndexes(fhirStore, settings.legacyRouting() ? legacyStore : null);
        this.processor = new ReadingProcessor(parsers::parse, directory, fhirStore, legacyStore, parked, alarms,
                new ReadingProcessor.Options(settings.legacyRouting(), settings.sourceSystem(),
                        settings.staleAfter()), clock, indexes::beforeWrite);
        this.reprocessor = new ParkedReprocessor(parked, directory, processor);
    }

    /**
     * Start-up work that must not land on the first reading: the FHIR model scan, and the indexes (FHIR, legacy
     * buckets), which are retried in the background while MongoDB is unavailable instead of failing start-up.
     */
    public void start() {
        FhirJson.warmUp();
        indexes.ensureInBackground();
    }

    /** Stops background work (index retries) before the database client closes. */
    public void stop() {
        indexes.stop();
    }

    public StoreIndexes indexes() {
        return indexes;
    }

    public Parsers parsers() {
        return parsers;
    }

    public FhirStore fhirStore() {
        return fhirStore;
    }

    public LegacyStore legacyStore() {
        return legacyStore;
    }

    public ParkedReadingStore parked() {
        return parked;
    }

    public PatientDirectory directory() {
        return directory;
    }

    public EmergencyAlarmStore alarms() {
        return alarms;
    }

    public ReadingProcessor processor() {
        return processor;
    }

    public ParkedReprocessor reprocessor() {
        return reprocessor;
    }
}
