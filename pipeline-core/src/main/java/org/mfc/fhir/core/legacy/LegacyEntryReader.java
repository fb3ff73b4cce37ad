package org.mfc.fhir.core.legacy;

import static org.mfc.fhir.core.legacy.LegacyNames.DATE_TAG;
import static org.mfc.fhir.core.legacy.LegacyNames.PATIENT_ID;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.mfc.fhir.core.fhir.ObservationMapper;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.DeviceIdentity;
import org.mfc.fhir.core.model.DeviceSlot;
import org.mfc.fhir.core.model.IdType;
import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.model.Reading;
import org.mfc.fhir.core.model.ReadingDetails;
import org.mfc.fhir.core.parse.DeviceTimeRule;
import org.mfc.fhir.core.parse.SleepPattern;
import org.mfc.fhir.core.parse.SleepWindow;
import org.mfc.fhir.core.parse.ThaiTime;
import org.mfc.fhir.core.model.GlucoseMarker;

/**
 * Legacy history entry to {@link Reading}s, or the reasons it cannot be converted. The inverse of
 * {@code LegacyEntryMapper}, driven by the same {@link MeasurementKind} table, so a site whose legacy field names
 * differ changes one row. Pure: no I/O. Never invents a value: an absent value is absent, a wrong one is a reject.
 */
public final class LegacyEntryReader {

    /** Where an entry sits and whose it is. */
    public record Bucket(String collection, String bucketId, ObjectId patientId, boolean patientKnown,
            PatientDevices devices) {
    }

    /** Legacy step {@code date_tag}: Thai local {@code DDMMYYYY}. */
    private static final DateTimeFormatter STEP_DAY = DateTimeFormatter.ofPattern("ddMMyyyy");
    /** Warning: converted, but flagged implausible (interpretation HU/LU on the Observation). */
    public static final String IMPLAUSIBLE_VALUE = "implausible-value";
    private static final String PLACEHOLDER_MODEL = "Legacy history: measuring device not recorded";

    private final Instant now;

    /** @param now the run's clock reading, for the device-time rule (times far in the future are rejected) */
    public LegacyEntryReader(Instant now) {
        this.now = now;
    }

    /** Every history collection the migrator reads, in processing order. */
    public static List<String> historyCollections() {
        List<String> out = new ArrayList<>();
        for (MeasurementKind k : MeasurementKind.values()) {
            if (k.legacy != null && !out.contains(k.legacy.collection())) {
                out.add(k.legacy.collection());
            }
        }
        return out;
    }

    /** The kinds whose readings a legacy entry of {@code collection} may hold. */
    public static List<MeasurementKind> kinds(String collection) {
        List<MeasurementKind> out = new ArrayList<>();
        for (MeasurementKind k : MeasurementKind.values()) {
            if (k.legacy != null && k.legacy.collection().equals(collection)) {
                out.add(k);
            }
        }
        return out;
    }

    /**
     * The kinds of a collection grouped by the legacy fields they read: kinds that read the same field are one
     * group (uric acid in mg/dL or umol/L, body or wrist temperature), of which an entry holds one.
     */
    static List<List<MeasurementKind>> fieldGroups(String collection) {
        Map<Object, List<MeasurementKind>> groups = new LinkedHashMap<>();
        for (MeasurementKind k : kinds(collection)) {
            groups.computeIfAbsent(new java.util.TreeSet<>(k.legacy.fields().values()), x -> new ArrayList<>()).add(k);
        }
        return new ArrayList<>(groups.values());
    }

    public EntryResult read(Bucket bucket, int index, Object rawEntry) {
        List<EntryProblem> rejects = new ArrayList<>();
        List<EntryProblem> warnings = new ArrayList<>();
        if (!(rawEntry instanceof Document entry)) {
            return rejected(bucket, index, null, null, RejectReason.MALFORMED_ENTRY);
        }
        String live = LegacyValues.text(entry.get(LegacyStore.ENTRY_ID_FIELD));
        if (live != null) {
            return EntryResult.live(live);
        }
        if (bucket.patientId() == null) {
            return rejected(bucket, index, null, PATIENT_ID, RejectReason.BUCKET_WITHOUT_PATIENT);
        }
        if (!bucket.patientKnown()) {
            return rejected(bucket, index, null, PATIENT_ID, RejectReason.UNKNOWN_PATIENT);
        }
        List<MeasurementKind> kinds = kinds(bucket.collection());
        if (kinds.isEmpty()) {
            return rejected(bucket, index, null, null, RejectReason.MALFORMED_ENTRY);
        }
        String prefix = kinds.get(0).legacy.prefix();
        String timeField = prefix + "_import_date";
        Integer source = LegacyValues.source(entry.get(prefix + "_source"));
        List<MigratedReading> readings = new ArrayList<>();
        String ref = bucket.collection() + "/" + bucket.bucketId() + "/" + index;

        if (kinds.contains(MeasurementKind.SLEEP)) {
            sleep(bucket, index, entry, source, ref, readings, rejects, warnings);
            return new EntryResult(readings, rejects, warnings, null);
        }
        Instant time;
        Instant periodEnd = null;
        if (kinds.contains(MeasurementKind.STEPS)) {
            Object tag = entry.get(DATE_TAG);
            Instant imported = LegacyValues.instant(entry.get(timeField));
            if (LegacyValues.text(tag) != null) {
                Optional<Instant> day = stepDay(LegacyValues.text(tag));
                if (day.isEmpty()) {
                    return rejected(bucket, index, null, DATE_TAG, RejectReason.MALFORMED_DAY);
                }
                time = day.get();
            } else if (imported != null) {
                time = ThaiTime.startOfDay(imported);
            } else {
                return rejected(bucket, index, null, timeField, RejectReason.MISSING_TIME);
            }
            periodEnd = time.plus(Duration.ofDays(1));
        } else {
            time = LegacyValues.instant(entry.get(timeField));
            if (time == null) {
                return rejected(bucket, index, null, timeField, RejectReason.MISSING_TIME);
            }
        }
        if (!DeviceTimeRule.check(time, now, timeField, new ArrayList<>())) {
            return rejected(bucket, index, null, timeField, RejectReason.IMPLAUSIBLE_TIME);
        }
        for (List<MeasurementKind> group : fieldGroups(bucket.collection())) {
            Map<String, String> details = new LinkedHashMap<>();
            MeasurementKind kind = choose(bucket, index, group, entry, source, details, rejects);
            if (kind == null) {
                continue;
            }
            Map<String, String> fields = kind.legacy != null ? kind.legacy.fields()
                    : MeasurementKind.BODY_TEMPERATURE.legacy.fields();
            if (kind == MeasurementKind.BLOOD_GLUCOSE) {
                GlucoseChoice choice = glucoseMarker(entry, fields.get(MeasurementKind.VALUE));
                if (choice.reason != null) {
                    rejects.add(problem(bucket, index, kind, choice.field, choice.reason));
                    continue;
                }
                fields = Map.of(MeasurementKind.VALUE, choice.field);
                String spelled = LegacyValues.text(entry.get("blood_sugar_marker"));
                details.put("marker", spelled != null && GlucoseMarker.parse(spelled).orElse(null) == choice.marker
                        ? spelled : choice.marker.legacyLabel);
                String comparator = comparator(entry.get(choice.field));
                if (comparator != null) {
                    details.put(ReadingDetails.COMPARATOR, comparator);
                }
            }
            if (kind == MeasurementKind.BODY_TEMPERATURE || kind == MeasurementKind.OBJECT_TEMPERATURE) {
                String mode = LegacyValues.text(entry.get(prefix + "_mode"));
                if (mode != null) {
                    details.put("mode", mode);
                }
            }
            if (kind == MeasurementKind.SKIN_TEMPERATURE) {
                details.put(ReadingDetails.SITE, ReadingDetails.WRIST);
            }
            Map<String, BigDecimal> values = new LinkedHashMap<>();
            List<EntryProblem> flagged = new ArrayList<>();
            EntryProblem bad = values(bucket, index, kind, entry, fields, values, flagged);
            if (bad != null) {
                rejects.add(bad);
                continue;
            }
            if (values.isEmpty()) {
                continue;
            }
            EntryProblem missing = required(bucket, index, kind, fields, values);
            if (missing != null) {
                rejects.add(missing);
                continue;
            }
            warnings.addAll(flagged);
            readings.add(reading(bucket, kind, source, time, periodEnd, values, details, ref));
        }
        if (readings.isEmpty() && rejects.isEmpty()) {
            rejects.add(problem(bucket, index, null, null, RejectReason.MISSING_VALUE));
        }
        return new EntryResult(readings, rejects, warnings, null);
    }

    /**
     * Which kind of a field group an entry holds: the only one; for a field whose unit the entry does not state,
     * the one its magnitude tells ({@link LegacyUnits}, refused between the bands); for a temperature, wrist skin
     * temperature when a watch wrote it, an object when the thermometer was in object mode, else body temperature.
     * Null when the entry holds none of the group (nothing to read) or it was refused.
     */
    private static MeasurementKind choose(Bucket bucket, int index, List<MeasurementKind> group, Document entry,
            Integer source, Map<String, String> details, List<EntryProblem> rejects) {
        MeasurementKind first = group.get(0);
        if (first == MeasurementKind.BODY_TEMPERATURE || first == MeasurementKind.SKIN_TEMPERATURE) {
            String mode = LegacyValues.text(entry.get(first.legacy.prefix() + "_mode"));
            if (mode != null && mode.equalsIgnoreCase("object")) {
                return MeasurementKind.OBJECT_TEMPERATURE;
            }
            return source != null && source == 2 ? MeasurementKind.SKIN_TEMPERATURE : MeasurementKind.BODY_TEMPERATURE;
        }
        if (group.size() == 1) {
            return first;
        }
        String field = first.legacy.fields().get(MeasurementKind.VALUE);
        if (field == null || !LegacyUnits.banded(bucket.collection(), field)) {
            return first;
        }
        LegacyValues.Number n = LegacyValues.number(entry.get(field));
        if (!n.present()) {
            // Absent: nothing to read; not a number: read as the field's own unit, which refuses it by name.
            return n.notANumber() ? LegacyUnits.fieldsKind(bucket.collection(), field) : null;
        }
        Optional<LegacyUnits.Choice> choice = LegacyUnits.choose(bucket.collection(), field, n.value());
        if (choice.isEmpty()) {
            rejects.add(problem(bucket, index, null, field, RejectReason.AMBIGUOUS_UNIT));
            return null;
        }
        if (choice.get().byMagnitude()) {
            details.put(ReadingDetails.UNIT_BY_MAGNITUDE, choice.get().kind().unit);
        }
        return choice.get().kind();
    }

    /** {@code >} or {@code <} when a legacy value is written as a meter's bound ({@code ">600"}), else null. */
    private static String comparator(Object raw) {
        if (raw instanceof String s) {
            String t = s.strip();
            if (t.startsWith(">") || t.startsWith("<")) {
                return t.substring(0, 1);
            }
        }
        return null;
    }

    /**
     * An entry the live pipeline wrote, read again as legacy history (its Observation id ignored) and attributed to
     * {@code device}, the device its Observation names: what re-derivation uses when the reading itself is no longer
     * on the topic.
     */
    public EntryResult readAs(Bucket bucket, int index, Document entry, DeviceIdentity device) {
        Document copy = new Document(entry);
        copy.remove(LegacyStore.ENTRY_ID_FIELD);
        EntryResult r = read(bucket, index, copy);
        List<MigratedReading> out = new ArrayList<>(r.readings().size());
        DeviceFamily family = device.type() == IdType.IMEI ? DeviceFamily.KATI : DeviceFamily.AVA4;
        DeviceIdentity gateway = device.type() == IdType.BLE_MAC ? bucket.devices().gateway() : null;
        for (MigratedReading m : r.readings()) {
            Reading x = m.reading();
            out.add(new MigratedReading(new Reading(family, x.kind(), device, gateway, null, x.deviceTime(),
                    x.periodEnd(), x.values(), x.details()), false, m.sourceRef()));
        }
        return new EntryResult(out, r.rejects(), r.warnings(), null);
    }

    private void sleep(Bucket bucket, int index, Document entry, Integer source, String ref,
            List<MigratedReading> readings, List<EntryProblem> rejects, List<EntryProblem> warnings) {
        MeasurementKind kind = MeasurementKind.SLEEP;
        String timeField = kind.legacy.prefix() + "_import_date";
        String pattern = LegacyValues.text(entry.get("sleep_data"));
        String windowText = LegacyValues.text(entry.get("sleep_time"));
        Optional<SleepWindow> window = SleepWindow.parse(windowText);
        if (pattern == null || window.isEmpty()) {
            rejects.add(problem(bucket, index, kind, pattern == null ? "sleep_data" : "sleep_time",
                    RejectReason.MALFORMED_SLEEP));
            return;
        }
        String stampText = LegacyValues.text(entry.get("sleep_timestamp"));
        Instant stamp = sleepStamp(stampText);
        if (stamp == null) {
            stamp = LegacyValues.instant(entry.get(timeField));
        }
        if (stamp == null) {
            rejects.add(problem(bucket, index, null, timeField, RejectReason.MISSING_TIME));
            return;
        }
        SleepWindow.Night night = window.get().nightOf(stamp);
        if (!DeviceTimeRule.check(night.start(), now, timeField, new ArrayList<>())) {
            rejects.add(problem(bucket, index, null, timeField, RejectReason.IMPLAUSIBLE_TIME));
            return;
        }
        SleepPattern.Minutes minutes = SleepPattern.count(pattern);
        Map<String, BigDecimal> values = new LinkedHashMap<>();
        values.put(MeasurementKind.VALUE, BigDecimal.valueOf(minutes.asleep()));
        values.put("deep", BigDecimal.valueOf(minutes.deep()));
        values.put("light", BigDecimal.valueOf(minutes.light()));
        for (Map.Entry<String, BigDecimal> v : values.entrySet()) {
            MeasurementKind.Limits limits = kind.limits.get(v.getKey());
            if (limits == null || !limits.possible(v.getValue())) {
                rejects.add(problem(bucket, index, kind, "sleep_data", RejectReason.OUT_OF_RANGE));
                return;
            }
            if (!limits.plausible(v.getValue())) {
                warnings.add(problem(bucket, index, kind, "sleep_data", IMPLAUSIBLE_VALUE));
            }
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("sleep_data", pattern);
        details.put("sleep_time", windowText);
        LegacyValues.Number num = LegacyValues.number(entry.get("sleep_num"));
        if (num.present()) {
            details.put("sleep_num", num.value().toPlainString());
            // The pattern is what the duration is computed from; a count that disagrees is reported, not trusted.
            if (num.value().compareTo(BigDecimal.valueOf(pattern.length())) != 0) {
                warnings.add(problem(bucket, index, kind, "sleep_num", "sleep-count-mismatch"));
            }
        }
        if (stampText != null) {
            details.put("sleep_timestamp", stampText);
        }
        readings.add(reading(bucket, kind, source, night.start(), night.end(), values, details, ref));
    }

    /**
     * Reads every field of a kind. The one rule for absurd values is the live pipeline's
     * ({@link MeasurementKind#limits}): a value outside the physiologically POSSIBLE range rejects the reading
     * ({@code out-of-range}); a possible but implausible one is converted, flagged with an {@code interpretation}
     * by the ObservationMapper, and reported as a warning ({@value #IMPLAUSIBLE_VALUE}). A non-number rejects it.
     */
    private static EntryProblem values(Bucket bucket, int index, MeasurementKind kind, Document entry,
            Map<String, String> fields, Map<String, BigDecimal> into, List<EntryProblem> flagged) {
        for (Map.Entry<String, String> f : fields.entrySet()) {
            Object raw = entry.get(f.getValue());
            if (comparator(raw) != null) {
                raw = ((String) raw).strip().substring(1);
            }
            LegacyValues.Number n = LegacyValues.number(raw);
            if (n.notANumber()) {
                return problem(bucket, index, kind, f.getValue(), RejectReason.NOT_A_NUMBER);
            }
            if (n.present()) {
                into.put(f.getKey(), n.value());
            }
        }
        for (Map.Entry<String, BigDecimal> v : into.entrySet()) {
            MeasurementKind.Limits limits = kind.limits.get(v.getKey());
            if (limits == null || !limits.possible(v.getValue())) {
                return problem(bucket, index, kind, fields.get(v.getKey()), RejectReason.OUT_OF_RANGE);
            }
            if (!limits.plausible(v.getValue())) {
                flagged.add(problem(bucket, index, kind, fields.get(v.getKey()), IMPLAUSIBLE_VALUE));
            }
        }
        return null;
    }

    /** A kind with a primary value needs it; a panel (blood pressure) needs all its components. */
    private static EntryProblem required(Bucket bucket, int index, MeasurementKind kind, Map<String, String> fields,
            Map<String, BigDecimal> values) {
        if (kind.hasPrimaryValue()) {
            return values.containsKey(MeasurementKind.VALUE) ? null
                    : problem(bucket, index, kind, fields.get(MeasurementKind.VALUE), RejectReason.MISSING_VALUE);
        }
        for (MeasurementKind.Component c : kind.components) {
            if (!values.containsKey(c.key()) && fields.containsKey(c.key())) {
                return problem(bucket, index, kind, fields.get(c.key()), RejectReason.MISSING_VALUE);
            }
        }
        return null;
    }

    private record GlucoseChoice(GlucoseMarker marker, String field, RejectReason reason) {
    }

    /**
     * The meal marker selects the {@code *_dtx} field: {@code dtx_type} when it is 0..3, else the
     * {@code blood_sugar_marker} text in any spelling, else the only {@code *_dtx} field holding a value.
     */
    private static GlucoseChoice glucoseMarker(Document entry, String fieldPattern) {
        GlucoseMarker marker = null;
        Integer dtx = LegacyValues.source(entry.get("dtx_type"));
        if (dtx != null) {
            for (GlucoseMarker m : GlucoseMarker.values()) {
                if (m.dtxType == dtx) {
                    marker = m;
                }
            }
        }
        if (marker == null && LegacyValues.text(entry.get("blood_sugar_marker")) != null) {
            marker = GlucoseMarker.of(LegacyValues.text(entry.get("blood_sugar_marker")));
        }
        if (marker == null) {
            List<GlucoseMarker> withValue = new ArrayList<>();
            for (GlucoseMarker m : GlucoseMarker.values()) {
                if (entry.get(fieldPattern.replace("{marker}", m.legacyPrefix)) != null) {
                    withValue.add(m);
                }
            }
            if (withValue.size() != 1) {
                return new GlucoseChoice(null, "dtx_type",
                        withValue.isEmpty() ? RejectReason.MISSING_VALUE : RejectReason.AMBIGUOUS_GLUCOSE_MARKER);
            }
            marker = withValue.get(0);
        }
        return new GlucoseChoice(marker, fieldPattern.replace("{marker}", marker.legacyPrefix), null);
    }

    private static MigratedReading reading(Bucket bucket, MeasurementKind kind, Integer source, Instant time,
            Instant periodEnd, Map<String, BigDecimal> values, Map<String, String> details, String ref) {
        DeviceSlot slot = source != null && source == 0 ? DeviceSlot.MANUAL : DeviceSlot.of(kind);
        Optional<DeviceIdentity> registered = bucket.devices().device(slot);
        DeviceIdentity device = registered.orElseGet(() -> placeholder(slot, bucket.patientId()));
        DeviceIdentity gateway = registered.isPresent() && device.type() == IdType.BLE_MAC
                ? bucket.devices().gateway() : null;
        DeviceFamily family = registered.isEmpty() ? DeviceFamily.GENERIC
                : device.type() == IdType.IMEI ? DeviceFamily.KATI : DeviceFamily.AVA4;
        Reading r = new Reading(family, kind, device, gateway, null, time, periodEnd, values, details);
        return new MigratedReading(r, registered.isEmpty(), ref);
    }

    /** The per-patient placeholder device of a slot: deterministic, documented, never a made-up MAC. */
    public static DeviceIdentity placeholder(DeviceSlot slot, ObjectId patientId) {
        return new DeviceIdentity(IdType.BOX_MAC, "legacy-" + slot.code + "-" + patientId.toHexString(),
                PLACEHOLDER_MODEL);
    }

    static Optional<Instant> stepDay(String tag) {
        try {
            return Optional.of(LocalDate.parse(tag, STEP_DAY).atStartOfDay(ThaiTime.ZONE).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Legacy {@code sleep_timestamp}: Thai local, as the live pipeline writes it (ThaiTime). */
    static Instant sleepStamp(String text) {
        return ThaiTime.parseLegacyStamp(text);
    }

    private static EntryResult rejected(Bucket bucket, int index, MeasurementKind kind, String field,
            RejectReason reason) {
        return new EntryResult(List.of(), List.of(problem(bucket, index, kind, field, reason)), List.of(), null);
    }

    private static EntryProblem problem(Bucket bucket, int index, MeasurementKind kind, String field,
            RejectReason reason) {
        return problem(bucket, index, kind, field, reason.code);
    }

    private static EntryProblem problem(Bucket bucket, int index, MeasurementKind kind, String field,
            String reason) {
        return new EntryProblem(bucket.collection(), bucket.bucketId(), index, kind == null ? null : kind.name(),
                field, reason);
    }
}
