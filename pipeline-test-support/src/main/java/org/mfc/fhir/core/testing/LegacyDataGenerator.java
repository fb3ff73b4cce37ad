package org.mfc.fhir.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import org.bson.Document;
import org.bson.json.JsonWriterSettings;
import org.bson.types.ObjectId;
import org.mfc.fhir.core.legacy.EntryProblem;
import org.mfc.fhir.core.legacy.RejectReason;
import org.mfc.fhir.core.migrate.LegacyFhirDocuments;
import org.mfc.fhir.core.model.MeasurementKind;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.InsertManyOptions;

/**
 * A synthetic legacy database (legacy-db.md), deterministic from a seed, at any size: registry collections with
 * noisy identifiers, {@code patient_id} in all four shapes, history buckets with every entry field variant, EVERY
 * data-quality quirk of section 3 planted at known positions, and old FHIR collections in both shapes. Returns (and
 * writes) a manifest of the planted bad entries, so a test can assert the reject report lists exactly those.
 * Synthetic names only. Streams buckets with bulk inserts; memory holds one insert batch.
 *
 * <p>Where the quirks are: in every bucket, entry 7 (and every 50th after it) is bad, of a type that cycles per
 * bucket; entry 21 (and every 50th after) holds a possible but implausible value where the kind allows (a
 * warning: converted with an interpretation); entry 13 (and every 50th after) of a sleep bucket has a
 * {@code sleep_num} that disagrees with {@code sleep_data} (a warning); some {@code amy_devices} hold a truncated
 * MAC (a warning of the registry pass); each history collection has one bucket with {@code patient_id: "unknown"} and one
 * whose patient does not exist. Valid entries vary the number types (int, numeric string, double, null), the glucose
 * marker spellings and the manual-entry source.
 *
 * <p>Test data only: used by the migrator's tests and by the bench's {@code GenerateLegacyMain}
 * ({@code scripts/generate-legacy.sh}); never part of a service image.
 */
public final class LegacyDataGenerator {

    /** What was planted. */
    public record Manifest(long seed, int patients, int entriesPerBucket, long historyEntries,
            List<EntryProblem> rejects, List<EntryProblem> warnings) {

        /** Writes the manifest as JSON; problems have the fields of the migrator's reject report. */
        public void write(Path out) {
            Document d = new Document("seed", seed).append("patients", patients)
                    .append("entries_per_bucket", entriesPerBucket).append("history_entries", historyEntries)
                    .append("rejects", rejects.stream().map(Manifest::problem).toList())
                    .append("warnings", warnings.stream().map(Manifest::problem).toList());
            try {
                if (out.getParent() != null) {
                    Files.createDirectories(out.getParent());
                }
                Files.writeString(out, d.toJson(JsonWriterSettings.builder().indent(true).build()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static Document problem(EntryProblem p) {
            return new Document("source_collection", p.collection()).append("bucket_id", p.bucketId())
                    .append("entry_index", p.index()).append("kind", p.kind()).append("field", p.field())
                    .append("reason", p.reason());
        }
    }

    static final List<String> HISTORY = List.of("blood_pressure_histories", "blood_sugar_histories",
            "spo2_histories", "temprature_data_histories", "body_data_histories", "step_histories",
            "sleep_data_histories", "creatinine_histories", "lipid_histories", "heart_rate_histories");
    private static final String[] MARKERS = {"No marker", "No Marker", "none", "None"};
    private static final DateTimeFormatter DAY_TAG = DateTimeFormatter.ofPattern("ddMMyyyy");
    private static final DateTimeFormatter SLEEP_STAMP = DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm:ss");
    private static final Instant BASE = Instant.parse("2024-01-01T00:00:00Z");
    private static final int INSERT_BATCH = 500;

    private final MongoDatabase main;
    private final long seed;
    private final int patients;
    private final int entriesPerBucket;
    private final List<EntryProblem> rejects = new ArrayList<>();
    private final List<EntryProblem> warnings = new ArrayList<>();
    private long historyEntries;
    private int bucketSeq;

    public LegacyDataGenerator(MongoDatabase main, long seed, int patients, int entriesPerBucket) {
        if (patients < 1 || entriesPerBucket < 1) {
            throw new IllegalArgumentException("patients and entries per bucket must be at least 1");
        }
        this.main = main;
        this.seed = seed;
        this.patients = patients;
        this.entriesPerBucket = entriesPerBucket;
    }

    /** Entries per bucket that give at least {@code total} history entries for {@code patients} patients. */
    public static int entriesPerBucketFor(long total, int patients) {
        return (int) Math.max(1, (total + (long) patients * HISTORY.size() - 1) / ((long) patients * HISTORY.size()));
    }

    public Manifest generate() {
        registry();
        for (int c = 0; c < HISTORY.size(); c++) {
            history(c);
        }
        oldFhir();
        return new Manifest(seed, patients, entriesPerBucket, historyEntries, List.copyOf(rejects),
                List.copyOf(warnings));
    }

    // ---- ids and identifiers -------------------------------------------------------------------------------------

    ObjectId oid(int tag, int n) {
        ByteBuffer b = ByteBuffer.allocate(12);
        b.putInt(1_600_000_000 + tag * 1_000_000 + n / 1000);
        b.put((byte) tag);
        b.put((byte) (seed >>> 16)).put((byte) (seed >>> 8)).put((byte) seed);
        b.putInt(n);
        return new ObjectId(b.array());
    }

    public ObjectId patientId(int p) {
        return oid(1, p);
    }

    private ObjectId hospitalId(int h) {
        return oid(2, h);
    }

    private int hospitals() {
        return Math.max(1, patients / 50);
    }

    /** The normalised MAC of device slot {@code slot} of patient {@code p}. */
    String mac(int p, int slot) {
        return String.format(Locale.ROOT, "%02X%02X%02X%02X%02X%02X", 0xD0 + slot, (p >>> 16) & 0xFF,
                (p >>> 8) & 0xFF, p & 0xFF, (int) (seed & 0xFF), 0x42);
    }

    /** Registry spellings seen in production: separators, case, surrounding spaces. */
    static String noisyMac(String mac, int variant) {
        return switch (variant % 4) {
            case 0 -> String.join(":", mac.split("(?<=\\G..)"));
            case 1 -> mac.toLowerCase(Locale.ROOT);
            case 2 -> " " + String.join("-", mac.toLowerCase(Locale.ROOT).split("(?<=\\G..)")) + " ";
            default -> mac + "  ";
        };
    }

    String imei(int p) {
        long v = Math.floorMod(seed * 1_000_003L + p, 10_000_000_000_000L);
        return String.format(Locale.ROOT, "35%013d", v);
    }

    static String noisyImei(String imei, int variant) {
        return switch (variant % 3) {
            case 0 -> ":" + imei;
            case 1 -> " " + imei + " ";
            default -> imei;
        };
    }

    /** patient_id in the three shapes that name a patient: ObjectId, 24-hex string, {"$oid": hex}. */
    static Object patientRef(ObjectId id, int variant) {
        return switch (variant % 3) {
            case 0 -> id;
            case 1 -> id.toHexString();
            default -> new Document("$oid", id.toHexString());
        };
    }

    // ---- registry -----------------------------------------------------------------------------------------------

    private void registry() {
        try (Inserter hospitalsOut = new Inserter(main.getCollection("hospitals"))) {
            for (int h = 0; h < hospitals(); h++) {
                Document d = new Document("_id", hospitalId(h)).append("code", String.format("H%05d", h))
                        .append("organizecode", 10_000 + h).append("is_active", h % 5 != 4)
                        .append("phone", "02-000-" + String.format("%04d", h));
                switch (h % 3) {
                    case 0 -> d.append("name", List.of(new Document("code", "en").append("name", "Synthetic Hospital " + h),
                            new Document("code", "th").append("name", "โรงพยาบาลสมมติ " + h)));
                    case 1 -> d.append("name", List.of(new Document("code", "th").append("name", "โรงพยาบาลสมมติ " + h)))
                            .append("en_name", "Synthetic Hospital " + h);
                    default -> d.append("en_name", "Synthetic Hospital " + h);
                }
                hospitalsOut.add(d);
            }
        }
        try (Inserter patientsOut = new Inserter(main.getCollection("patients"));
                Inserter devicesOut = new Inserter(main.getCollection("amy_devices"));
                Inserter boxesOut = new Inserter(main.getCollection("amy_boxes"));
                Inserter watchesOut = new Inserter(main.getCollection("watches"))) {
            for (int p = 0; p < patients; p++) {
                ObjectId id = patientId(p);
                patientsOut.add(new Document("_id", id).append("first_name", "Synth").append("last_name", "Person-" + p)
                        .append("nickname", "S" + p).append("gender", p % 2 == 0 ? "female" : "male")
                        .append("birth_date", Date.from(BASE.minusSeconds(86_400L * (7_000 + p % 20_000))))
                        .append("id_card", String.format(Locale.ROOT, "9%012d", Math.floorMod(seed + p, 1_000_000_000_000L)))
                        .append("hn_id_no", "HN-" + p).append("is_active", true).append("is_deleted", false)
                        .append("registration_status", "registered")
                        .append("new_hospital_ids", List.of(hospitalId(p % hospitals())))
                        .append("blood_pressure_mac_address", noisyMac(mac(p, 0), p + 1))
                        .append("ava_mac_address", noisyMac(mac(p, 9), p)));
                if (p % 7 != 5) {
                    Document devices = new Document("_id", oid(8, p)).append("patient_id", patientRef(id, p))
                            .append("mac_gw", noisyMac(mac(p, 9), p + 2))
                            // A few registry MACs are truncated: the patient's own field is used instead.
                            .append("mac_bps", p % 10 == 3 ? mac(p, 0).substring(0, 10) : noisyMac(mac(p, 0), p))
                            .append("mac_oxymeter", noisyMac(mac(p, 1), p)).append("mac_body_temp", noisyMac(mac(p, 2), p))
                            .append("mac_weight", noisyMac(mac(p, 3), p)).append("mac_gluc", noisyMac(mac(p, 4), p))
                            .append("mac_chol", noisyMac(mac(p, 5), p)).append("mac_ua", noisyMac(mac(p, 6), p))
                            .append("mac_watch", noisyImei(imei(p), p));
                    devicesOut.add(devices);
                    if (p % 10 == 3) {
                        warnings.add(new EntryProblem("amy_devices", oid(8, p).toHexString(), -1, "Device", "mac_bps",
                                "unusable-identifier"));
                    }
                }
                boxesOut.add(new Document("mac_address", noisyMac(mac(p, 9), p + 3)).append("box_name", "Box " + p)
                        .append("model", "AVA4").append("version", "1.0").append("is_active", true)
                        .append("is_deleted", false).append("patient_id", patientRef(id, p + 1)));
                watchesOut.add(new Document("imei", noisyImei(imei(p), p + 1)).append("patient_id", patientRef(id, p + 2))
                        .append("factory", "Kati").append("model", "Kati Watch"));
            }
        }
        main.getCollection("mfc_hv01_boxes").insertOne(new Document("imei_of_hv01_box", noisyMac(mac(0, 10), 2))
                .append("hospital_id", hospitalId(0)).append("box_name", "Kiosk 0").append("is_active", true));
    }

    // ---- history ------------------------------------------------------------------------------------------------

    private void history(int c) {
        String collection = HISTORY.get(c);
        boolean monthly = collection.equals("step_histories") || collection.equals("sleep_data_histories");
        try (Inserter out = new Inserter(main.getCollection(collection))) {
            for (int p = 0; p < patients; p++) {
                if (!monthly) {
                    out.add(bucket(c, p, 0, entriesPerBucket, patientRef(patientId(p), bucketSeq), false));
                    continue;
                }
                int remaining = entriesPerBucket;
                for (int month = 0; remaining > 0; month++) {
                    int n = Math.min(28, remaining);
                    out.add(bucket(c, p, month, n, patientRef(patientId(p), bucketSeq), false));
                    remaining -= n;
                }
            }
            // Buckets whose patient cannot be converted: "unknown", and an id the registry does not hold.
            out.add(bucket(c, 0, 0, 3, "unknown", true));
            out.add(bucket(c, 0, 0, 2, oid(3, c), true));
        }
    }

    private Document bucket(int c, int p, int month, int size, Object patientRef, boolean orphan) {
        String collection = HISTORY.get(c);
        ObjectId id = oid(10 + c, bucketSeq);
        int seq = bucketSeq++;
        List<Document> data = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            Instant t = BASE.plusSeconds(3600L * i + 60L * (p % 500) + 420L * c);
            Document e = entry(collection, p, month, i, t);
            String reason = null;
            if (orphan) {
                reason = "unknown".equals(patientRef) ? RejectReason.BUCKET_WITHOUT_PATIENT.code
                        : RejectReason.UNKNOWN_PATIENT.code;
                rejects.add(new EntryProblem(collection, id.toHexString(), i, null, "patient_id", reason));
            } else if (i % 50 == 7) {
                rejects.add(plantBad(collection, e, id.toHexString(), i, seq + i / 50));
            } else if (i % 50 == 21) {
                EntryProblem flagged = plantImplausible(collection, e, id.toHexString(), i);
                if (flagged != null) {
                    warnings.add(flagged);
                }
            } else if (i % 50 == 13 && collection.equals("sleep_data_histories")) {
                e.put("sleep_num", e.getInteger("sleep_num") + 3);
                warnings.add(new EntryProblem(collection, id.toHexString(), i, "SLEEP", "sleep_num",
                        "sleep-count-mismatch"));
            }
            data.add(e);
        }
        historyEntries += size;
        Document b = new Document("_id", id).append("patient_id", patientRef).append("data", data)
                .append("created_at", Date.from(BASE)).append("updated_at", Date.from(BASE)).append("__v", size);
        if (collection.equals("step_histories") || collection.equals("sleep_data_histories")) {
            b.append("date_tag", monthStart(month).format(DateTimeFormatter.ofPattern("MM-yyyy")));
        }
        return b;
    }

    private static LocalDate monthStart(int month) {
        return LocalDate.of(2024, 1, 1).plusMonths(month);
    }

    /** A number in one of the stored forms: int, numeric string, double. */
    private static Object num(double v, int variant) {
        return switch (variant % 3) {
            case 0 -> (v == Math.rint(v)) ? (Object) (int) v : (Object) v;
            case 1 -> (v == Math.rint(v)) ? String.valueOf((int) v) : String.valueOf(v);
            default -> v;
        };
    }

    private Document entry(String collection, int p, int month, int i, Instant t) {
        Date at = Date.from(t);
        int source = i % 20 == 19 ? 0 : 1;
        return switch (collection) {
            case "blood_pressure_histories" -> new Document("sys_data", num(100 + (i * 7) % 60, i))
                    .append("dia_data", num(60 + (i * 3) % 30, i + 1)).append("pr_data", i % 9 == 8 ? null
                            : num(55 + (i * 5) % 50, i + 2))
                    .append("blood_pressure_import_date", at).append("blood_pressure_source", source);
            case "blood_sugar_histories" -> glucose(i, at, source);
            case "spo2_histories" -> {
                Document d = new Document("spo2_data", num(90 + i % 10, i)).append("spo2_pr_data", num(60 + i % 30, i))
                        .append("spo2_import_date", at).append("spo2_source", source);
                if (i % 2 == 0) {
                    d.append("spo2_pi_data", num(1.5 + (i % 5) / 2.0, i));
                }
                if (i % 4 == 0) {
                    d.append("spo2_resp_data", num(14 + i % 6, i));
                }
                yield d;
            }
            case "temprature_data_histories" -> new Document("temprature_data", num(36.0 + (i % 15) / 10.0, i))
                    .append("temprature_mode", i % 2 == 0 ? "ear" : "forehead")
                    .append("temprature_import_date", at).append("temprature_source", source);
            case "body_data_histories" -> new Document("weight", num(50 + i % 40, i))
                    .append("height", i % 5 == 4 ? null : num(150 + i % 40, i + 1))
                    .append("bmi", i % 3 == 2 ? null : num(18.5 + (i % 10) / 2.0, i))
                    // Waist in cm or, for some entries, inches beside the cm: each converted in its unit.
                    .append("waist", i % 2 == 0 ? num(80 + i % 10, i) : num(32, i))
                    .append("body_data_import_date", at).append("body_data_source", source);
            case "step_histories" -> {
                LocalDate day = monthStart(month).plusDays(i % 28);
                yield new Document("step", num(1000 + (i * 137) % 9000, i)).append("step_goal", 6000)
                        .append("date_tag", day.format(DAY_TAG))
                        .append("step_import_date", Date.from(day.atTime(20, 0).toInstant(ZoneOffset.ofHours(7))))
                        .append("step_source", 2);
            }
            case "sleep_data_histories" -> {
                LocalDate day = monthStart(month).plusDays(i % 28);
                String pattern = sleepPattern(p, i);
                yield new Document("sleep_data", pattern).append("sleep_num", pattern.length())
                        .append("sleep_time", "2200@0600")
                        .append("sleep_timestamp", day.atTime(6, 10).format(SLEEP_STAMP))
                        .append("sleep_data_import_date", Date.from(day.atTime(6, 15).toInstant(ZoneOffset.ofHours(7))))
                        .append("date_tag", day.format(DAY_TAG));
            }
            // Uric acid as laboratories report it (mg/dL); every 10th a meter's umol/L written into the field.
            case "creatinine_histories" -> new Document("cretinines", num(0.8 + (i % 10) / 10.0, i))
                    .append("bun", num(10 + i % 10, i)).append("uric", i % 2 == 1 ? null
                            : i % 10 == 4 ? num(300 + i % 100, i) : num(3.5 + (i % 40) / 10.0, i))
                    .append("cretinines_import_date", at).append("cretinines_source", source);
            case "lipid_histories" -> new Document("lipids", num(150 + i % 100, i))
                    .append("ldl_lipids", num(100 + i % 50, i + 1)).append("hdl_lipids", num(40 + i % 20, i + 2))
                    .append("tri_lipids", i % 4 == 3 ? null : num(120 + i % 80, i))
                    .append("lipids_import_date", at).append("lipids_source", source);
            case "heart_rate_histories" -> new Document("heart_rate_data", num(60 + i % 40, i))
                    .append("heart_rate_import_date", at).append("heart_rate_source", 2);
            default -> throw new IllegalArgumentException(collection);
        };
    }

    private static Document glucose(int i, Date at, int source) {
        String[] fields = {"pre_meal_dtx", "post_meal_dtx", "fasting_dtx", "no_marker_dtx"};
        int type = i % 4;
        Document d = new Document();
        if (i % 11 == 4) {
            // No dtx_type: the marker text (in one of its spellings) selects the field.
            type = 3;
            d.append("blood_sugar_marker", MARKERS[(i / 11) % MARKERS.length]);
        } else {
            d.append("dtx_type", i % 6 == 5 ? String.valueOf(type) : (Object) type);
            d.append("blood_sugar_marker", type == 3 ? MARKERS[i % MARKERS.length]
                    : new String[] {"Before Meal", "After Meal", "Fasting"}[type]);
        }
        for (int f = 0; f < fields.length; f++) {
            d.append(fields[f], f == type ? num(90 + (i * 13) % 120, i) : null);
        }
        return d.append("blood_sugar_symptoms", "").append("blood_sugar_import_date", at)
                .append("blood_sugar_source", source);
    }

    private static String sleepPattern(int p, int i) {
        StringBuilder sb = new StringBuilder(96);
        for (int k = 0; k < 96; k++) {
            sb.append((char) ('0' + ((k * 7 + p + i) % 3)));
        }
        return sb.toString();
    }

    /** Makes entry {@code e} bad in one of the ways its collection can be, and says how it must be reported. */
    private EntryProblem plantBad(String collection, Document e, String bucketId, int index, int variant) {
        String prefix = switch (collection) {
            case "blood_pressure_histories" -> "blood_pressure";
            case "blood_sugar_histories" -> "blood_sugar";
            case "spo2_histories" -> "spo2";
            case "temprature_data_histories" -> "temprature";
            case "body_data_histories" -> "body_data";
            case "step_histories" -> "step";
            case "sleep_data_histories" -> "sleep_data";
            case "creatinine_histories" -> "cretinines";
            case "lipid_histories" -> "lipids";
            default -> "heart_rate";
        };
        String timeField = prefix + "_import_date";
        record Bad(String kind, String field, RejectReason reason, Consumer<Document> apply) {
        }
        List<Bad> options = new ArrayList<>();
        // Missing time.
        options.add(new Bad(null, timeField, RejectReason.MISSING_TIME, d -> {
            d.remove(timeField);
            d.remove("date_tag");
            d.remove("sleep_timestamp");
        }));
        // A clock years ahead.
        options.add(new Bad(null, timeField, RejectReason.IMPLAUSIBLE_TIME, d -> {
            d.put(timeField, Date.from(Instant.parse("2099-03-01T00:00:00Z")));
            if (d.containsKey("date_tag")) {
                d.put("date_tag", "01032099");
            }
            if (d.containsKey("sleep_timestamp")) {
                d.put("sleep_timestamp", "01/03/2099 06:10:00");
            }
        }));
        switch (collection) {
            case "blood_pressure_histories" -> {
                options.add(new Bad("BLOOD_PRESSURE", "sys_data", RejectReason.NOT_A_NUMBER, d -> d.put("sys_data", "abc")));
                options.add(new Bad("BLOOD_PRESSURE", "sys_data", RejectReason.OUT_OF_RANGE, d -> d.put("sys_data", 0)));
                options.add(new Bad("BLOOD_PRESSURE", "dia_data", RejectReason.MISSING_VALUE, d -> d.put("dia_data", null)));
            }
            case "blood_sugar_histories" -> {
                options.add(new Bad("BLOOD_GLUCOSE", "dtx_type", RejectReason.AMBIGUOUS_GLUCOSE_MARKER, d -> {
                    d.remove("dtx_type");
                    d.remove("blood_sugar_marker");
                    d.put("pre_meal_dtx", 101);
                    d.put("post_meal_dtx", "140");
                }));
                options.add(new Bad("BLOOD_GLUCOSE", "no_marker_dtx", RejectReason.OUT_OF_RANGE, d -> {
                    d.put("dtx_type", 3);
                    d.put("pre_meal_dtx", null);
                    d.put("post_meal_dtx", null);
                    d.put("fasting_dtx", null);
                    d.put("no_marker_dtx", 0);
                }));
                options.add(new Bad("BLOOD_GLUCOSE", "fasting_dtx", RejectReason.NOT_A_NUMBER, d -> {
                    d.put("dtx_type", 2);
                    d.put("pre_meal_dtx", null);
                    d.put("post_meal_dtx", null);
                    d.put("no_marker_dtx", null);
                    d.put("fasting_dtx", "high");
                }));
            }
            case "spo2_histories" -> {
                options.add(new Bad("SPO2", "spo2_data", RejectReason.OUT_OF_RANGE, d -> d.put("spo2_data", 101)));
                options.add(new Bad("SPO2", "spo2_data", RejectReason.MISSING_VALUE, d -> {
                    d.put("spo2_data", null);
                    d.remove("spo2_resp_data");
                }));
            }
            case "temprature_data_histories" -> {
                // Fahrenheit in a Celsius field.
                options.add(new Bad("BODY_TEMPERATURE", "temprature_data", RejectReason.OUT_OF_RANGE,
                        d -> d.put("temprature_data", 98.6)));
                options.add(new Bad("BODY_TEMPERATURE", "temprature_data", RejectReason.NOT_A_NUMBER,
                        d -> d.put("temprature_data", "36,5")));
            }
            case "body_data_histories" -> {
                options.add(new Bad("BODY_WEIGHT", "weight", RejectReason.OUT_OF_RANGE, d -> d.put("weight", 700)));
                options.add(new Bad(null, null, RejectReason.MISSING_VALUE, d -> {
                    d.put("weight", null);
                    d.put("height", null);
                    d.put("bmi", null);
                    d.put("waist", null);
                }));
            }
            case "step_histories" -> {
                options.add(new Bad("STEPS", "step", RejectReason.OUT_OF_RANGE, d -> d.put("step", -5)));
                options.add(new Bad(null, "date_tag", RejectReason.MALFORMED_DAY, d -> d.put("date_tag", "15/01/2024")));
            }
            case "sleep_data_histories" -> {
                options.add(new Bad("SLEEP", "sleep_time", RejectReason.MALFORMED_SLEEP,
                        d -> d.put("sleep_time", "2599@0600")));
                options.add(new Bad("SLEEP", "sleep_data", RejectReason.MALFORMED_SLEEP, d -> d.remove("sleep_data")));
            }
            case "creatinine_histories" -> {
                options.add(new Bad("CREATININE", "cretinines", RejectReason.OUT_OF_RANGE,
                        d -> d.put("cretinines", 250)));
                options.add(new Bad("URIC_ACID", "uric", RejectReason.OUT_OF_RANGE, d -> d.put("uric", 6_000)));
                // Between the bands of mg/dL and umol/L: either unit could be meant.
                options.add(new Bad(null, "uric", RejectReason.AMBIGUOUS_UNIT, d -> {
                    d.put("uric", 40);
                    d.put("cretinines", null);
                    d.put("bun", null);
                }));
            }
            case "lipid_histories" -> {
                options.add(new Bad("LIPID_TOTAL", "lipids", RejectReason.OUT_OF_RANGE, d -> d.put("lipids", 17_942)));
                options.add(new Bad("LIPID_HDL", "hdl_lipids", RejectReason.NOT_A_NUMBER,
                        d -> d.put("hdl_lipids", "n/a")));
            }
            default -> {
                options.add(new Bad("HEART_RATE", "heart_rate_data", RejectReason.OUT_OF_RANGE,
                        d -> d.put("heart_rate_data", 0)));
                options.add(new Bad(null, null, RejectReason.MISSING_VALUE, d -> d.put("heart_rate_data", null)));
            }
        }
        Bad bad = options.get(Math.floorMod(variant, options.size()));
        bad.apply().accept(e);
        return new EntryProblem(collection, bucketId, index, bad.kind(), bad.field(), bad.reason().code);
    }

    /**
     * Possible but implausible values (legacy-db.md section 3: weight 0.2 kg, 99,971 steps, a uric acid of
     * 22 mg/dL): converted with a data-quality tag and reported as warnings; null when the collection has none
     * planted.
     */
    private static EntryProblem plantImplausible(String collection, Document e, String bucketId, int index) {
        String[] kindFieldValue = switch (collection) {
            case "blood_pressure_histories" -> new String[] {"BLOOD_PRESSURE", "sys_data", "260"};
            case "spo2_histories" -> new String[] {"SPO2", "spo2_data", "55"};
            case "body_data_histories" -> new String[] {"BODY_WEIGHT", "weight", "0.2"};
            case "step_histories" -> new String[] {"STEPS", "step", "99971"};
            case "creatinine_histories" -> new String[] {"URIC_ACID_MASS", "uric", "22"};
            default -> null;
        };
        if (kindFieldValue == null) {
            return null;
        }
        e.put(kindFieldValue[1], Double.parseDouble(kindFieldValue[2]));
        return new EntryProblem(collection, bucketId, index, kindFieldValue[0], kindFieldValue[1],
                org.mfc.fhir.core.legacy.LegacyEntryReader.IMPLAUSIBLE_VALUE);
    }

    // ---- old FHIR documents ------------------------------------------------------------------------------------

    private void oldFhir() {
        int n = Math.min(patients, 40);
        try (Inserter obs = new Inserter(main.getCollection("fhir_observations"));
                Inserter pats = new Inserter(main.getCollection("fhir_patients"));
                Inserter prov = new Inserter(main.getCollection("fhir_provenance"))) {
            for (int k = 0; k < n; k++) {
                String pid = patientId(k).toHexString();
                Date at = Date.from(BASE.plusSeconds(86_400L * k));
                Document resource = new Document("resourceType", "Observation").append("id", "old-obs-" + k)
                        .append("status", "final")
                        .append("code", new Document("coding", List.of(new Document("system", "http://loinc.org")
                                .append("code", MeasurementKind.BLOOD_PRESSURE.code))))
                        .append("subject", new Document("reference", "Patient/" + pid))
                        .append("effectiveDateTime", at.toInstant().toString());
                obs.add(new Document("_id", oid(4, k)).append("resource_type", "Observation")
                        .append("resource_id", "old-obs-" + k).append("fhir_version", "5.0.0")
                        .append("resource_data", resource).append("patient_id", pid).append("device_id", "dev-" + k)
                        .append("effective_datetime", at).append("recorded_datetime", at).append("status", "final")
                        .append("source_system", "old-fhir-service").append("device_mac_address", mac(k, 0))
                        .append("is_deleted", false).append("created_at", at).append("updated_at", at));
                // The raw, un-wrapped shape of an older code path; one of them without an id.
                Document raw = new Document("_id", oid(5, k)).append("resourceType", "Observation")
                        .append("status", "final")
                        .append("code", new Document("coding", List.of(new Document("system", "http://loinc.org")
                                .append("code", MeasurementKind.SPO2.code))))
                        .append("subject", new Document("reference", "Patient/" + pid))
                        .append("effectiveDateTime", at.toInstant().toString())
                        .append("valueQuantity", new Document("value", 97).append("unit", "%"));
                if (k != 0) {
                    raw.append("id", "raw-obs-" + k);
                }
                obs.add(raw);
                pats.add(new Document("_id", oid(6, k)).append("resource_type", "Patient")
                        .append("resource_id", "old-patient-" + k).append("fhir_version", "5.0.0")
                        .append("resource_data", new Document("resourceType", "Patient").append("id", "old-patient-" + k))
                        .append("patient_id", pid).append("is_deleted", false).append("created_at", at));
                if (k % 4 == 0) {
                    prov.add(new Document("_id", oid(7, k)).append("resource_type", "Provenance")
                            .append("resource_id", "old-prov-" + k).append("fhir_version", "5.0.0")
                            .append("resource_data", new Document("resourceType", "Provenance").append("id", "old-prov-" + k))
                            .append("is_deleted", false).append("created_at", at));
                }
            }
        }
    }

    /** Collections {@link #generate()} writes (what {@code --replace} drops first). */
    public static List<String> collections() {
        List<String> out = new ArrayList<>(List.of("hospitals", "patients", "amy_devices", "amy_boxes", "watches",
                "mfc_hv01_boxes"));
        out.addAll(HISTORY);
        out.addAll(LegacyFhirDocuments.COLLECTIONS);
        return out;
    }

    /** Buffers documents and writes them with unordered bulk inserts. */
    private static final class Inserter implements AutoCloseable {
        private final MongoCollection<Document> collection;
        private final List<Document> buffer = new ArrayList<>(INSERT_BATCH);

        Inserter(MongoCollection<Document> collection) {
            this.collection = collection;
        }

        void add(Document d) {
            buffer.add(d);
            if (buffer.size() >= INSERT_BATCH) {
                flush();
            }
        }

        private void flush() {
            if (!buffer.isEmpty()) {
                collection.insertMany(buffer, new InsertManyOptions().ordered(false));
                buffer.clear();
            }
        }

        @Override
        public void close() {
            flush();
        }
    }
}
