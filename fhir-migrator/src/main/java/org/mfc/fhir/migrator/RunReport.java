package org.mfc.fhir.migrator;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.bson.Document;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

/**
 * The outcome of one job: per source collection {@link Tally}s, totals per kind, rejects by reason with example
 * locations, duration and throughput; written as JSON to the report directory and as a readable summary on stdout.
 * Counts and locations only, never patient data or values.
 */
public final class RunReport {

    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")
            .withZone(ZoneOffset.UTC);
    private static final JsonWriterSettings JSON = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED)
            .indent(true).build();

    final String op;
    final Instant started;
    Instant finished;
    final Map<String, Tally> collections = new LinkedHashMap<>();
    /** Operation-specific sections (FHIR collections found, checksums, verification results...). */
    final Document details = new Document();
    /** Problems that make the run fail regardless of the reject share (a checksum mismatch, a missing resource). */
    final java.util.List<String> failures = new java.util.ArrayList<>();
    double maxRejectShare;
    Path file;

    RunReport(String op, Instant started, double maxRejectShare) {
        this.op = op;
        this.started = started;
        this.maxRejectShare = maxRejectShare;
    }

    Tally tally(String collection) {
        return collections.computeIfAbsent(collection, k -> new Tally());
    }

    public Tally total() {
        Tally t = new Tally();
        collections.values().forEach(t::add);
        return t;
    }

    public double rejectShare() {
        Tally t = total();
        return t.entries == 0 ? 0 : (double) t.rejectedEntries / t.entries;
    }

    public int exitCode() {
        if (!failures.isEmpty()) {
            return 1;
        }
        return rejectShare() > maxRejectShare ? 3 : 0;
    }

    public Document details() {
        return details;
    }

    public java.util.List<String> failures() {
        return failures;
    }

    public Path file() {
        return file;
    }

    public Document toDocument() {
        Tally total = total();
        double seconds = Math.max(0.001, Duration.between(started, finished == null ? started : finished).toMillis()
                / 1000.0);
        Document perCollection = new Document();
        collections.forEach((k, v) -> perCollection.append(k, v.toDocument()));
        return new Document("op", op).append("started_at", started.toString())
                .append("finished_at", finished == null ? null : finished.toString())
                .append("duration_seconds", seconds)
                .append("entries_per_second", Math.round(total.entries / seconds))
                .append("total", total.toDocument())
                .append("reject_share", rejectShare()).append("max_reject_share", maxRejectShare)
                .append("failures", failures).append("exit_code", exitCode())
                .append("collections", perCollection).append("details", details);
    }

    /** Writes {@code <dir>/<op>-<time>.json}; a report that cannot be written fails the run loudly. */
    Path write(Path dir) {
        try {
            Files.createDirectories(dir);
            Path out = dir.resolve(op + "-" + FILE_TIME.format(started) + ".json");
            Files.writeString(out, toDocument().toJson(JSON));
            this.file = out;
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the migration report to " + dir, e);
        }
    }

    /** Detail naming {@code <fhir db>.migration_rejects}, where every reject and warning of a convert is kept. */
    static final String REJECTS_COLLECTION = "rejects_collection";

    void printSummary(PrintStream out) {
        Tally total = total();
        Document d = toDocument();
        out.println("== fhir-migrator " + op + " ==");
        out.printf(Locale.ROOT, "duration %.1f s, %d entries, %d entries/s%n", d.getDouble("duration_seconds"),
                total.entries, d.getLong("entries_per_second"));
        collections.forEach((name, t) -> out.printf(Locale.ROOT,
                "  %-28s docs %8d  entries %9d  live %7d  resources %9d  inserted %9d  rejected entries %7d%n",
                name, t.documents, t.entries, t.live, t.resources, t.inserted, t.rejectedEntries));
        if (!total.readingsByKind.isEmpty()) {
            out.println("readings per kind:");
            total.readingsByKind.forEach((k, v) -> out.printf(Locale.ROOT, "  %-18s %9d%n", k, v));
        }
        if (!total.rejects.isEmpty()) {
            out.println("rejects by reason (example: collection/bucket/index):");
            total.rejects.forEach((k, v) -> out.printf(Locale.ROOT, "  %-26s %8d  e.g. %s%n", k, v,
                    example(total.rejectExamples.get(k))));
        }
        if (!total.warnings.isEmpty()) {
            out.println("warnings (converted) by reason:");
            total.warnings.forEach((k, v) -> out.printf(Locale.ROOT, "  %-26s %8d  e.g. %s%n", k, v,
                    example(total.warningExamples.get(k))));
        }
        if ((!total.rejects.isEmpty() || !total.warnings.isEmpty()) && details.containsKey(REJECTS_COLLECTION)) {
            out.println("every reject and warning, with its source entry and field: collection "
                    + details.getString(REJECTS_COLLECTION) + " (one document each; filter by reason)");
        }
        for (String f : failures) {
            out.println("FAILED: " + f);
        }
        out.printf(Locale.ROOT, "reject share %.4f (max %.4f), exit code %d%s%n", rejectShare(), maxRejectShare,
                exitCode(), file == null ? "" : ", report " + file);
    }

    private static String example(java.util.List<Document> examples) {
        if (examples == null || examples.isEmpty()) {
            return "-";
        }
        Document e = examples.get(0);
        return e.get("source_collection") + "/" + e.get("bucket_id") + "/" + e.get("entry_index")
                + (e.get("field") == null ? "" : " field " + e.get("field"));
    }
}
