package org.mfc.fhir.bench;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongFunction;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.mfc.fhir.core.fhir.DeviceMapper;
import org.mfc.fhir.core.fhir.FhirEnvelope;
import org.mfc.fhir.core.fhir.MappedResource;
import org.mfc.fhir.core.fhir.ObservationMapper;
import org.mfc.fhir.core.legacy.PatientMapper;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.DeviceIdentity;
import org.mfc.fhir.core.model.IdType;
import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.model.Reading;
import org.mfc.fhir.core.store.FhirStore;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Projections;

/**
 * The FHIR read API under open-loop load on a database of realistic size.
 *
 * <pre>
 * FhirReadBench load --mongo URI [--db MFC_FHIR_R5] --observations 1000000 --patients 1000
 *     writes that many Observations through the core's mapping and envelope (as the worker stores them): per patient,
 *     readings every 10 minutes up to an hour ago, cycling blood pressure (with its heart rate), SpO2 (with its heart
 *     rate), body temperature and glucose; plus each patient's Patient and Devices. No Provenance.
 * FhirReadBench run --url http://127.0.0.1:8082 --token JWT --mongo URI [--db MFC_FHIR_R5] --rate 50
 *     [--read-rate R] [--search-rate R] [--lastn-rate R] --duration 30 --warmup 10 --out docs/benchmarks/fhir-api
 *     [--title T] [--command C]
 *     one constant-rate step each (after its own unrecorded warm-up at the same rate) of: read of a random
 *     Observation by id; a patient + code + date search for a 50-entry page (newest first); $lastn (max=1) of a
 *     random patient. Appends a row per step to OUT.csv.
 * </pre>
 */
public final class FhirReadBench {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private static final MeasurementKind[] CYCLE = {MeasurementKind.BLOOD_PRESSURE, MeasurementKind.SPO2,
        MeasurementKind.BODY_TEMPERATURE, MeasurementKind.BLOOD_GLUCOSE};

    private FhirReadBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException("load or run");
        }
        Map<String, String> a = Args.parse(java.util.Arrays.copyOfRange(args, 1, args.length));
        try (MongoClient mongo = MongoClients.create(a.getOrDefault("mongo", "mongodb://127.0.0.1:27017"))) {
            MongoDatabase db = mongo.getDatabase(a.getOrDefault("db", "MFC_FHIR_R5"));
            if (args[0].equals("load")) {
                load(db, Long.parseLong(a.getOrDefault("observations", "1000000")),
                        Integer.parseInt(a.getOrDefault("patients", "1000")));
            } else {
                run(db, a);
            }
        }
    }

    static String patient(int p) {
        return String.format("%024x", 0xFE0000000000L + p);
    }

    private static DeviceIdentity device(String prefix, int p) {
        return new DeviceIdentity(IdType.BLE_MAC, prefix + HEX.toHexDigits(p, 10), "bench");
    }

    /** Readings are 10 minutes apart, the last an hour ago. */
    static void load(MongoDatabase db, long observations, int patients) {
        FhirStore store = new FhirStore(db);
        store.ensureIndexes();
        long perPatient = observations / patients;
        // A reading gives 1.5 Observations on average over the cycle (2, 2, 1, 1).
        long readings = perPatient * 2 / 3 + 1;
        Instant last = Instant.now().minusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        Instant first = last.minusSeconds(600 * readings);
        ObservationMapper observationsMapper = new ObservationMapper();
        DeviceMapper devices = new DeviceMapper();
        long written = 0;
        long started = System.nanoTime();
        List<Document> batch = new ArrayList<>(2_000);
        for (int p = 0; p < patients; p++) {
            String patient = patient(p);
            batch.add(FhirEnvelope.wrap(new PatientMapper().map(new Document("_id", new ObjectId(patient))
                    .append("first_name", "Bench").append("last_name", "Patient-" + p).append("gender", "female")
                    .append("id_card", String.format("19%011d", p))), first, "bench", "bench"));
            DeviceIdentity box = new DeviceIdentity(IdType.BOX_MAC, "0A" + HEX.toHexDigits(p, 10), "AVA4");
            Map<MeasurementKind, DeviceIdentity> own = Map.of(MeasurementKind.BLOOD_PRESSURE, device("0B", p),
                    MeasurementKind.SPO2, device("0C", p), MeasurementKind.BODY_TEMPERATURE, device("0D", p),
                    MeasurementKind.BLOOD_GLUCOSE, device("0E", p));
            long count = 0;
            for (long r = 0; count < perPatient; r++) {
                MeasurementKind kind = CYCLE[(int) (r % CYCLE.length)];
                Instant at = first.plusSeconds(600 * r);
                Reading reading = new Reading(DeviceFamily.AVA4, kind, own.get(kind), box, null, at, null,
                        values(kind, r), Map.of());
                for (MappedResource m : observationsMapper.map(reading, patient, at.plusSeconds(3))) {
                    batch.add(FhirEnvelope.wrap(m, at.plusSeconds(3), "bench", "bench-" + p + "-" + r));
                    count++;
                }
                if (r < CYCLE.length) {
                    for (MappedResource m : devices.map(reading)) {
                        batch.add(FhirEnvelope.wrap(m, at, "bench", "bench"));
                    }
                }
                if (batch.size() >= 1_000) {
                    store.insertIfAbsent(FhirStore.byCollection(batch));
                    batch.clear();
                }
            }
            written += count;
            if (p % 50 == 49) {
                System.out.printf("loaded %d Observations of %d patients (%.0f/s)%n", written, p + 1,
                        written / ((System.nanoTime() - started) / 1e9));
            }
        }
        store.insertIfAbsent(FhirStore.byCollection(batch));
        System.out.printf("loaded %d Observations of %d patients in %.0f s%n", written, patients,
                (System.nanoTime() - started) / 1e9);
    }

    private static Map<String, BigDecimal> values(MeasurementKind kind, long r) {
        Map<String, BigDecimal> v = new LinkedHashMap<>();
        switch (kind) {
            case BLOOD_PRESSURE -> {
                v.put("systolic", BigDecimal.valueOf(110 + r % 40));
                v.put("diastolic", BigDecimal.valueOf(70 + r % 20));
                v.put("pulse", BigDecimal.valueOf(60 + r % 30));
            }
            case SPO2 -> {
                v.put("value", BigDecimal.valueOf(95 + r % 5));
                v.put("pulse", BigDecimal.valueOf(65 + r % 20));
            }
            case BODY_TEMPERATURE -> v.put("value", new BigDecimal("36." + (r % 9)));
            default -> v.put("value", BigDecimal.valueOf(90 + r % 60));
        }
        return v;
    }

    static void run(MongoDatabase db, Map<String, String> a) throws Exception {
        URI url = URI.create(a.getOrDefault("url", "http://127.0.0.1:8082"));
        int rate = Integer.parseInt(a.getOrDefault("rate", "50"));
        Duration duration = Duration.ofSeconds(Long.parseLong(a.getOrDefault("duration", "30")));
        Duration warmup = Duration.ofSeconds(Long.parseLong(a.getOrDefault("warmup", "10")));
        Map<String, String> headers = Map.of("Authorization", "Bearer " + a.get("token"),
                "Accept", "application/fhir+json");
        List<String> patients = db.getCollection("fhir_patients").find().projection(Projections.include("_id"))
                .map(d -> d.getString("_id")).into(new ArrayList<>());
        List<String> ids = db.getCollection("fhir_observations").find().projection(Projections.include("_id"))
                .limit(20_000).map(d -> d.getString("_id")).into(new ArrayList<>());
        Document newest = db.getCollection("fhir_observations").find()
                .sort(new Document("effective_datetime", -1)).limit(1).first();
        Instant to = newest.getDate("effective_datetime").toInstant().plusSeconds(1);
        // A week back: a page of 50 newest-first blood pressures of a patient who has readings every 40 minutes.
        Instant from = to.minus(Duration.ofDays(7));
        String window = "&date=ge" + from + "&date=lt" + to;
        SplittableRandom random = new SplittableRandom(42);
        Map<String, LongFunction<OpenLoopGenerator.Request>> kinds = new LinkedHashMap<>();
        kinds.put("read", i -> OpenLoopGenerator.Request.get("/fhir/Observation/"
                + ids.get(random.nextInt(ids.size())), headers));
        kinds.put("search", i -> OpenLoopGenerator.Request.get("/fhir/Observation?patient="
                + patients.get(random.nextInt(patients.size())) + "&code="
                + URLEncoder.encode("http://loinc.org|85354-9", StandardCharsets.UTF_8) + window + "&_count=50",
                headers));
        kinds.put("lastn", i -> OpenLoopGenerator.Request.get("/fhir/Observation/$lastn?patient="
                + patients.get(random.nextInt(patients.size())) + "&max=1", headers));
        BenchReport report = new BenchReport(Path.of(a.getOrDefault("out", "docs/benchmarks/fhir-api")));
        long observations = db.getCollection("fhir_observations").estimatedDocumentCount();
        try (OpenLoopGenerator gen = new OpenLoopGenerator(url.getHost(), url.getPort(), 64, Duration.ofSeconds(30))) {
            for (var kind : kinds.entrySet()) {
                int kindRate = Integer.parseInt(a.getOrDefault(kind.getKey() + "-rate", String.valueOf(rate)));
                if (!warmup.isZero()) {
                    var w = gen.run(kindRate, warmup, kind.getValue());
                    System.out.printf("%s warm-up: %d requests, %s%n", kind.getKey(), w.sent(), w.statuses());
                }
                var r = gen.run(kindRate, duration, kind.getValue());
                BenchReport.Row row = BenchReport.row(kind.getKey() + " (" + observations + " Observations)", r);
                report.append(row);
                System.out.printf("%-7s %4d req/s offered, %6.0f achieved: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms,"
                        + " max %.1f ms, errors %d %s%n", kind.getKey(), kindRate, row.achievedRate(), row.p50(),
                        row.p99(), row.p999(), row.max(), row.errors(), row.statuses());
            }
        }
        report.render(a.getOrDefault("title", "FHIR read API: latency from intended send time to answer"),
                a.getOrDefault("command", "scripts/bench-fhir-api.sh"));
    }
}
