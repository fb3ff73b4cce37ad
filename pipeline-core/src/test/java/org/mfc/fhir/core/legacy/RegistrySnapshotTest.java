package org.mfc.fhir.core.legacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.DeviceIdentity;
import org.mfc.fhir.core.model.IdType;
import org.mfc.fhir.core.model.PatientHint;

import com.mongodb.MongoClientSettings;
import com.mongodb.ConnectionString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * The registry read together for a batch answers every look-up exactly as the one-identifier queries do, over a
 * registry as noisy as the legacy one (spellings, separators, spaces, arrays, numbers, deleted and missing patients,
 * devices claimed by several patients), and with a bounded number of queries per collection.
 */
class RegistrySnapshotTest {

    private static MongoServer server;
    private static MongoClient client;
    private static int databases;
    /** Commands sent, by command name and collection. */
    private static final Map<String, AtomicInteger> COMMANDS = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        CommandListener counter = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                String name = event.getCommandName();
                if (event.getCommand().isString(name)) {
                    COMMANDS.computeIfAbsent(name + " " + event.getCommand().getString(name).getValue(),
                            k -> new AtomicInteger()).incrementAndGet();
                }
            }
        };
        client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString("mongodb://127.0.0.1:" + address.getPort()))
                .addCommandListener(counter).build());
    }

    @AfterAll
    static void stop() {
        client.close();
        server.shutdownNow();
    }

    private record Registry(MongoDatabase main, List<String> bleMacs, List<String> boxMacs, List<String> imeis,
            List<String> citizenIds) {
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void readTogetherAnswersAsReadAlone(long seed) {
        Random random = new Random(seed);
        Registry registry = noisyRegistry(random);
        PatientDirectory directory = new PatientDirectory(registry.main(), Duration.ofMinutes(5), 1000,
                Clock.systemUTC());
        List<PatientDirectory.Lookup> lookups = lookups(random, registry, 200);

        Map<String, Optional<PatientDirectory.Resolution>> together = directory.answersTogether(lookups);

        assertEquals(lookups.stream().map(PatientDirectory.Lookup::key).distinct().count(), together.size(),
                "every look-up answered from one read");
        int resolved = 0;
        int ambiguous = 0;
        for (PatientDirectory.Lookup lookup : lookups) {
            Optional<PatientDirectory.Resolution> alone = directory.answerAlone(lookup);
            assertEquals(alone, together.get(lookup.key()), () -> "look-up " + lookup);
            resolved += alone.isPresent() && !alone.get().ambiguous() ? 1 : 0;
            ambiguous += alone.isPresent() && alone.get().ambiguous() ? 1 : 0;
        }
        // The registry is built so that every rule is exercised: resolved, ambiguous and unknown answers.
        assertTrue(resolved > 20, "resolved " + resolved);
        assertTrue(ambiguous > 5, "ambiguous " + ambiguous);
        assertTrue(lookups.size() - resolved - ambiguous > 5, "unknown");
    }

    @Test
    void aBatchReadsEachRegistryCollectionOnce() {
        Random random = new Random(42);
        Registry registry = noisyRegistry(random);
        PatientDirectory directory = new PatientDirectory(registry.main(), Duration.ofMinutes(5), 1000,
                Clock.systemUTC());
        List<PatientDirectory.Lookup> lookups = lookups(random, registry, PatientDirectory.MAX_PREFETCH);

        COMMANDS.clear();
        directory.prefetch(lookups);
        Map<String, Integer> prefetch = snapshot();
        COMMANDS.clear();
        for (PatientDirectory.Lookup lookup : lookups) {
            directory.resolve(lookup);
        }
        Map<String, Integer> after = snapshot();

        assertEquals(1, prefetch.getOrDefault("find amy_devices", 0), prefetch.toString());
        assertEquals(1, prefetch.getOrDefault("find amy_boxes", 0), prefetch.toString());
        assertEquals(1, prefetch.getOrDefault("find watches", 0), prefetch.toString());
        assertEquals(1, prefetch.getOrDefault("find patients", 0), prefetch.toString());
        assertEquals(Map.of(), after, "the batch's look-ups are answered from the cache");
    }

    @Test
    void anIdentifierClaimedBeyondTheBoundIsLeftToItsOwnQuery() {
        MongoDatabase main = client.getDatabase("AMY_SNAPSHOT_" + (++databases));
        ObjectId patient = new ObjectId();
        main.getCollection(LegacyNames.PATIENTS).insertOne(new Document("_id", patient));
        List<Document> claims = new ArrayList<>();
        for (int i = 0; i < PatientDirectory.MAX_CLAIMS + 1; i++) {
            claims.add(new Document(PatientDirectory.AMY_DEVICE_FIELDS.get(0), "aa:bb:cc:00:00:01")
                    .append(LegacyNames.PATIENT_ID, patient));
        }
        main.getCollection(LegacyNames.AMY_DEVICES).insertMany(claims);
        PatientDirectory directory = new PatientDirectory(main, Duration.ofMinutes(5), 1000, Clock.systemUTC());
        PatientDirectory.Lookup lookup = PatientDirectory.lookup(DeviceFamily.AVA4,
                new DeviceIdentity(IdType.BLE_MAC, "AABBCC000001", null));

        assertEquals(Map.of(), directory.answersTogether(List.of(lookup)));
        assertEquals(Optional.of(patient), directory.resolve(lookup).map(PatientDirectory.Resolution::patientId));
    }

    private static Map<String, Integer> snapshot() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        COMMANDS.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /**
     * Patients (a tenth deleted) and registry documents over small identifier pools, so that identifiers are shared,
     * spelled in every way the legacy data has, and sometimes point at missing or deleted patients.
     */
    private static Registry noisyRegistry(Random random) {
        MongoDatabase main = client.getDatabase("AMY_SNAPSHOT_" + (++databases));
        List<String> ble = pool(random, 60, 12);
        List<String> boxes = pool(random, 25, 12);
        List<String> imeis = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            imeis.add(String.format(Locale.ROOT, "35%013d", random.nextLong(1_000_000_000_000L)));
        }
        List<String> citizens = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            citizens.add(String.format(Locale.ROOT, "1%012d", random.nextLong(1_000_000_000_000L)));
        }
        List<ObjectId> patientIds = new ArrayList<>();
        List<Document> patients = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            ObjectId id = new ObjectId();
            patientIds.add(id);
            Document p = new Document("_id", id);
            if (random.nextInt(10) == 0) {
                p.append(LegacyNames.IS_DELETED, true);
            }
            if (random.nextInt(3) == 0) {
                p.append(pick(random, PatientDirectory.PATIENT_DEVICE_FIELDS), noisyMac(random, pick(random, ble)));
            }
            if (random.nextInt(4) == 0) {
                p.append(LegacyNames.AVA_MAC_ADDRESS, random.nextInt(8) == 0
                        ? List.of(noisyMac(random, pick(random, boxes)), 7)
                        : noisyMac(random, pick(random, boxes)));
            }
            if (random.nextInt(4) == 0) {
                p.append(LegacyNames.WATCH_MAC_ADDRESS, noisyImei(random, pick(random, imeis)));
            }
            if (random.nextInt(3) == 0) {
                p.append(LegacyNames.ID_CARD, pad(random, pick(random, citizens)));
            }
            patients.add(p);
        }
        main.getCollection(LegacyNames.PATIENTS).insertMany(patients);
        List<Document> devices = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            Document d = new Document(LegacyNames.PATIENT_ID, owner(random, patientIds));
            for (String field : PatientDirectory.AMY_DEVICE_FIELDS) {
                if (random.nextInt(5) == 0) {
                    d.append(field, random.nextInt(15) == 0 ? 12345 : noisyMac(random, pick(random, ble)));
                }
            }
            if (random.nextInt(2) == 0) {
                d.append(LegacyNames.MAC_GW, noisyMac(random, pick(random, boxes)));
            }
            devices.add(d);
        }
        main.getCollection(LegacyNames.AMY_DEVICES).insertMany(devices);
        List<Document> boxDocs = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            boxDocs.add(new Document(LegacyNames.MAC_ADDRESS, noisyMac(random, pick(random, boxes)))
                    .append(LegacyNames.PATIENT_ID, owner(random, patientIds)));
        }
        main.getCollection(LegacyNames.AMY_BOXES).insertMany(boxDocs);
        List<Document> watches = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            watches.add(new Document(LegacyNames.IMEI, noisyImei(random, pick(random, imeis)))
                    .append(LegacyNames.PATIENT_ID, owner(random, patientIds)));
        }
        main.getCollection(LegacyNames.WATCHES).insertMany(watches);
        return new Registry(main, ble, boxes, imeis, citizens);
    }

    private static List<PatientDirectory.Lookup> lookups(Random random, Registry registry, int count) {
        List<PatientDirectory.Lookup> out = new ArrayList<>();
        while (out.size() < count) {
            // A few identifiers nobody claims, beside the registry's.
            String ble = random.nextInt(8) == 0 ? pool(random, 1, 12).get(0) : pick(random, registry.bleMacs());
            DeviceIdentity box = new DeviceIdentity(IdType.BOX_MAC, pick(random, registry.boxMacs()), null);
            switch (random.nextInt(6)) {
                case 0 -> out.add(new PatientDirectory.Lookup(DeviceFamily.AVA4,
                        new DeviceIdentity(IdType.BLE_MAC, ble, null), null, null, false));
                case 1 -> out.add(new PatientDirectory.Lookup(DeviceFamily.AVA4,
                        new DeviceIdentity(IdType.BLE_MAC, ble, null), box, null, false));
                case 2 -> out.add(new PatientDirectory.Lookup(DeviceFamily.AVA4,
                        new DeviceIdentity(IdType.BLE_MAC, ble, null), box, null, true));
                case 3 -> out.add(PatientDirectory.lookup(DeviceFamily.AVA4, box));
                case 4 -> out.add(PatientDirectory.lookup(DeviceFamily.KATI,
                        new DeviceIdentity(IdType.IMEI, pick(random, registry.imeis()), null)));
                default -> out.add(new PatientDirectory.Lookup(DeviceFamily.QUBE_VITAL, box, null,
                        new PatientHint(pick(random, registry.citizenIds()), null, null, null, null, null), false));
            }
        }
        return out;
    }

    private static ObjectId owner(Random random, List<ObjectId> patients) {
        int roll = random.nextInt(12);
        if (roll == 0) {
            return null;
        }
        return roll == 1 ? new ObjectId() : pick(random, patients);
    }

    private static List<String> pool(Random random, int size, int hexDigits) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            StringBuilder mac = new StringBuilder();
            for (int d = 0; d < hexDigits; d++) {
                mac.append("0123456789ABCDEF".charAt(random.nextInt(16)));
            }
            out.add(mac.toString());
        }
        return out;
    }

    /** Lower or upper case, with ':', '-', '.' or no separators, sometimes between spaces. */
    private static String noisyMac(Random random, String mac) {
        String separator = List.of(":", "-", ".", "").get(random.nextInt(4));
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < mac.length(); i += 2) {
            if (i > 0) {
                out.append(separator);
            }
            out.append(mac, i, i + 2);
        }
        String spelled = random.nextBoolean() ? out.toString().toLowerCase(Locale.ROOT) : out.toString();
        return pad(random, spelled);
    }

    private static String noisyImei(Random random, String imei) {
        return pad(random, (random.nextInt(3) == 0 ? ":" : "") + imei);
    }

    private static String pad(Random random, String value) {
        return random.nextInt(4) == 0 ? " " + value + " " : value;
    }

    private static <T> T pick(Random random, List<T> from) {
        return from.get(random.nextInt(from.size()));
    }
}
