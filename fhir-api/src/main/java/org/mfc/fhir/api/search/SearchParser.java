package org.mfc.fhir.api.search;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.mfc.fhir.core.fhir.DeviceMapper;
import org.mfc.fhir.core.ids.CitizenIds;
import org.mfc.fhir.core.ids.Identifiers;
import org.mfc.fhir.core.model.Systems;

/**
 * Turns query-string parameters into a search, refusing what it cannot serve exactly (400 naming the parameter):
 * unknown parameters under {@code Prefer: handling=strict} (ignored under lenient), unsupported modifiers and
 * prefixes, malformed values, too many values. Every input is bounded before it is looked at further.
 */
public final class SearchParser {

    /** Longest single parameter value; identifiers and codes are far shorter. */
    static final int MAX_VALUE_LENGTH = 512;
    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    /** @param maxValues most comma-separated values of one parameter and most repetitions of one parameter */
    public record Limits(int defaultCount, int maxCount, int lastnMax, int maxValues) {
    }

    private final Limits limits;

    public SearchParser(Limits limits) {
        this.limits = limits;
    }

    public ParsedSearch<ObservationQuery> observation(Map<String, List<String>> raw, boolean strict) {
        Reader r = new Reader(raw, strict, SupportedSearches.OBSERVATION);
        String patient = r.patient();
        List<TokenValue> codes = r.tokens("code");
        List<TokenValue> categories = r.tokens("category");
        String device = r.single("device");
        if (device != null) {
            device = reference(device, "device", "Device");
        }
        DateRange dates = DateRange.ALL;
        for (String value : r.all("date")) {
            dates = dates.intersect(DateParameter.parse("date", value));
        }
        String sort = r.single("_sort");
        boolean ascending = false;
        if (sort != null) {
            if (sort.equals("date")) {
                ascending = true;
            } else if (!sort.equals("-date")) {
                throw InvalidParameter.notSupported("_sort", "only date and -date are supported");
            }
        }
        Set<String> includes = new LinkedHashSet<>();
        for (String value : r.all("_include")) {
            if (!SupportedSearches.OBSERVATION_INCLUDES.contains(value)) {
                throw InvalidParameter.notSupported("_include", "supported: "
                        + String.join(", ", SupportedSearches.OBSERVATION_INCLUDES));
            }
            includes.add(value);
        }
        int count = r.count();
        boolean countOnly = r.countOnly(count);
        PageCursor after = r.cursor(true);
        return new ParsedSearch<>(new ObservationQuery(patient, codes, categories, device, dates, ascending,
                countOnly ? 0 : count, countOnly, Set.copyOf(includes), after), r.applied, r.cursorText);
    }

    public ParsedSearch<IdentifierQuery> identifier(String type, Map<String, List<String>> raw, boolean strict) {
        Reader r = new Reader(raw, strict, type);
        List<TokenValue> identifiers = r.tokens("identifier");
        for (TokenValue t : identifiers) {
            if (t.code() == null) {
                throw InvalidParameter.notSupported("identifier", "a value is required (system| alone is not "
                        + "supported)");
            }
        }
        identifiers = identifiers.stream().flatMap(t -> spellings(t).stream()).distinct().toList();
        int count = r.count();
        boolean countOnly = r.countOnly(count);
        PageCursor after = r.cursor(false);
        return new ParsedSearch<>(new IdentifierQuery(type, identifiers, countOnly ? 0 : count, countOnly,
                after == null ? null : after.id()), r.applied, r.cursorText);
    }

    /**
     * A device or citizen identifier as it is stored, whatever spelling the client used: a MAC in any case and with
     * any separators ({@code d616f9641622}, {@code d6-16-f9-64-16-22}) is held as {@code D6:16:F9:64:16:22}, an
     * IMEI as its 15 digits, a citizen id as its 13 digits. Without a system, the value as given and, when it reads
     * as a MAC, an IMEI or a citizen id, that form too.
     */
    static List<TokenValue> spellings(TokenValue t) {
        String system = t.system();
        if (Systems.BLE_MAC.equals(system) || Systems.BOX_MAC.equals(system)) {
            return List.of(Identifiers.mac(t.code()).map(m -> new TokenValue(system, DeviceMapper.eui48(m)))
                    .orElse(t));
        }
        if (Systems.IMEI.equals(system)) {
            return List.of(imei(t.code()).map(i -> new TokenValue(system, i)).orElse(t));
        }
        if (Systems.CITIZEN_ID.equals(system)) {
            return List.of(new TokenValue(system, CitizenIds.normalise(t.code())));
        }
        if (system != null) {
            return List.of(t);
        }
        List<TokenValue> out = new ArrayList<>(List.of(t));
        Identifiers.mac(t.code()).map(DeviceMapper::eui48).filter(m -> !m.equals(t.code()))
                .ifPresent(m -> out.add(new TokenValue(null, m)));
        imei(t.code()).filter(i -> !i.equals(t.code())).ifPresent(i -> out.add(new TokenValue(null, i)));
        String citizen = CitizenIds.normalise(t.code());
        if (!citizen.equals(t.code()) && citizen.length() == 13 && citizen.chars().allMatch(c -> c >= '0'
                && c <= '9')) {
            out.add(new TokenValue(null, citizen));
        }
        return out;
    }

    /** An IMEI as its 15 digits, also when the client grouped them ({@code 86-5067-1234-56789}, spaces, dots). */
    private static java.util.Optional<String> imei(String value) {
        return Identifiers.imei(value.replaceAll("[-.\\s]", ""));
    }

    public ParsedSearch<LastNQuery> lastn(Map<String, List<String>> raw, boolean strict) {
        Reader r = new Reader(raw, strict, null);
        String patient = r.patient();
        List<TokenValue> codes = r.tokens("code");
        for (TokenValue t : codes) {
            if (t.code() == null) {
                throw InvalidParameter.notSupported("code", "$lastn needs a code in each value (system| alone is "
                        + "not supported)");
            }
        }
        List<TokenValue> categories = r.tokens("category");
        String maxText = r.single("max");
        int max = 1;
        if (maxText != null) {
            max = positive("max", maxText);
            if (max < 1) {
                throw InvalidParameter.invalid("max", "must be at least 1");
            }
        }
        int applied = Math.min(max, limits.lastnMax());
        if (maxText != null) {
            // The self link shows the number used, as it does for _count.
            r.applied.replaceAll(e -> e.getKey().equals("max") ? Map.entry("max", Integer.toString(applied)) : e);
        }
        return new ParsedSearch<>(new LastNQuery(patient, codes, categories, applied), r.applied);
    }

    /**
     * {@code Patient/123} or {@code 123}: the id (this server's absolute URL is made relative before, by
     * {@code FhirEndpoint.local}).
     */
    static String reference(String value, String parameter, String type) {
        String id = value;
        int slash = value.lastIndexOf('/');
        if (slash >= 0) {
            String before = value.substring(0, slash);
            if (!before.equals(type)) {
                // This server's absolute references were made relative before ({@code FhirEndpoint.local}); any
                // other prefix names another server, or none, and matched this server's resource of the same id.
                throw InvalidParameter.invalid(parameter, before.contains("/")
                        ? "a reference to another server; give " + type + "/<id>, <id> or this server's URL"
                        : "must reference a " + type);
            }
            id = value.substring(slash + 1);
        }
        if (!FHIR_ID.matcher(id).matches()) {
            throw InvalidParameter.invalid(parameter, "not a FHIR id");
        }
        return id;
    }

    /** A whole number; one too large for an int is {@link Integer#MAX_VALUE}, which every caller caps. */
    private static int positive(String parameter, String text) {
        if (text.isEmpty() || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw InvalidParameter.invalid(parameter, "must be a whole number");
        }
        String digits = text.replaceFirst("^0+(?=.)", "");
        return digits.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(digits);
    }

    /** One pass over the raw parameters of one search. */
    private final class Reader {

        private final Map<String, List<String>> raw;
        private final Set<String> known;
        private final List<Map.Entry<String, String>> applied = new ArrayList<>();
        /** The {@code _cursor} this page was asked with, once decoded; null on a first page. */
        private String cursorText;

        Reader(Map<String, List<String>> raw, boolean strict, String type) {
            this.raw = raw;
            this.known = new LinkedHashSet<>(SupportedSearches.GENERAL);
            if (type == null) {
                SupportedSearches.LASTN_PARAMETERS.forEach(p -> known.add(p.name()));
            } else {
                SupportedSearches.searchParameters(type).forEach(p -> known.add(p.name()));
                if (!SupportedSearches.includes(type).isEmpty()) {
                    known.add("_include");
                }
            }
            for (Map.Entry<String, List<String>> e : raw.entrySet()) {
                String name = e.getKey();
                if (name.length() > 64) {
                    throw InvalidParameter.invalid("query", "a parameter name is too long");
                }
                int colon = name.indexOf(':');
                String base = colon < 0 ? name : name.substring(0, colon);
                if (!known.contains(base)) {
                    if (strict) {
                        throw InvalidParameter.notSupported(safeName(name), "unknown or unsupported parameter "
                                + "(Prefer: handling=strict)");
                    }
                    continue;
                }
                if (colon >= 0 && !(base.equals("subject") && name.equals("subject:Patient"))) {
                    throw InvalidParameter.notSupported(base, "modifier " + safeName(name.substring(colon + 1))
                            + " is not supported");
                }
                if (e.getValue().size() > limits.maxValues()) {
                    throw InvalidParameter.invalid(base, "repeated more than " + limits.maxValues() + " times");
                }
                for (String v : e.getValue()) {
                    if (v.length() > MAX_VALUE_LENGTH) {
                        throw InvalidParameter.invalid(base, "value longer than " + MAX_VALUE_LENGTH
                                + " characters");
                    }
                }
            }
            // Format parameters are applied by the HTTP layer; they stay in the links.
            for (String name : List.of("_format", "_pretty")) {
                for (String v : raw.getOrDefault(name, List.of())) {
                    applied.add(Map.entry(name, v));
                }
            }
        }

        /** Names echo only what the API itself could have declared: letters, digits and a few marks. */
        private static String safeName(String name) {
            String clean = name.replaceAll("[^A-Za-z0-9_:\\-.$]", "?");
            return clean.length() > 64 ? clean.substring(0, 64) : clean;
        }

        List<String> all(String name) {
            List<String> values = new ArrayList<>();
            for (Map.Entry<String, List<String>> e : raw.entrySet()) {
                if (e.getKey().equals(name) || e.getKey().startsWith(name + ":")) {
                    for (String v : e.getValue()) {
                        if (v.isEmpty()) {
                            throw InvalidParameter.invalid(name, "empty value");
                        }
                        values.add(v);
                        applied.add(Map.entry(e.getKey(), v));
                    }
                }
            }
            return values;
        }

        String single(String name) {
            List<String> values = all(name);
            if (values.size() > 1) {
                throw InvalidParameter.invalid(name, "may appear once");
            }
            return values.isEmpty() ? null : values.get(0);
        }

        /** {@code patient} or {@code subject} (one of them, once), as a Patient id. */
        String patient() {
            String patient = single("patient");
            String subject = single("subject");
            if (patient != null && subject != null) {
                throw InvalidParameter.invalid("subject", "give patient or subject, not both");
            }
            if (patient != null) {
                return reference(patient, "patient", "Patient");
            }
            return subject == null ? null : reference(subject, "subject", "Patient");
        }

        List<TokenValue> tokens(String name) {
            String value = single(name);
            if (value == null) {
                return List.of();
            }
            String[] parts = value.split(",", -1);
            if (parts.length > limits.maxValues()) {
                throw InvalidParameter.invalid(name, "more than " + limits.maxValues() + " values");
            }
            List<TokenValue> tokens = new ArrayList<>(parts.length);
            for (String p : parts) {
                tokens.add(TokenValue.parse(name, p));
            }
            return List.copyOf(tokens);
        }

        /** The page size, capped; the links carry the size used, not the one asked for. */
        int count() {
            String text = single("_count");
            int count = text == null ? limits.defaultCount() : Math.min(positive("_count", text), limits.maxCount());
            applied.removeIf(e -> e.getKey().equals("_count"));
            applied.add(Map.entry("_count", Integer.toString(count)));
            return count;
        }

        boolean countOnly(int count) {
            String summary = single("_summary");
            if (summary != null && !summary.equals("count") && !summary.equals("false")) {
                throw InvalidParameter.notSupported("_summary", "only count and false are supported");
            }
            return "count".equals(summary) || count == 0;
        }

        PageCursor cursor(boolean timed) {
            String text = single("_cursor");
            if (text == null) {
                return null;
            }
            // The cursor is not part of the search: links carry the one of their own page.
            applied.removeIf(e -> e.getKey().equals("_cursor"));
            PageCursor cursor = PageCursor.decode("_cursor", text, timed);
            cursorText = text;
            return cursor;
        }
    }
}
