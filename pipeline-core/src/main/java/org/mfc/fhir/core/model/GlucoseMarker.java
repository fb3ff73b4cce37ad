package org.mfc.fhir.core.model;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The glucose meal marker: legacy {@code dtx_type} and the {@code *_dtx} field it selects, and the code of the
 * FHIR component that carries it (docs/decisions.md, "Glucose meal marker"). In the model because both the FHIR
 * mapping and the legacy entry read it, and neither may depend on the other.
 */
public enum GlucoseMarker {
    BEFORE_MEAL(0, "pre_meal", "Before Meal", "before-meal"),
    AFTER_MEAL(1, "post_meal", "After Meal", "after-meal"),
    FASTING(2, "fasting", "Fasting", "fasting"),
    NO_MARKER(3, "no_marker", "No marker", "no-marker");

    /** Code system of the marker values in FHIR. */
    public static final String SYSTEM = Systems.PROJECT_BASE + "/CodeSystem/meal-marker";
    /** Code of the Observation component that carries the marker, in {@link Systems#MEASUREMENT_CODES}. */
    public static final String COMPONENT_CODE = "meal-marker";
    /** Key of the marker in {@code Reading.details()}. */
    public static final String DETAIL = "marker";

    private static final Map<String, GlucoseMarker> SPELLINGS = Map.ofEntries(
            Map.entry("before meal", BEFORE_MEAL), Map.entry("before meals", BEFORE_MEAL),
            Map.entry("pre meal", BEFORE_MEAL), Map.entry("premeal", BEFORE_MEAL), Map.entry("before", BEFORE_MEAL),
            Map.entry("after meal", AFTER_MEAL), Map.entry("after meals", AFTER_MEAL),
            Map.entry("post meal", AFTER_MEAL), Map.entry("postmeal", AFTER_MEAL), Map.entry("after", AFTER_MEAL),
            Map.entry("fasting", FASTING), Map.entry("fast", FASTING),
            Map.entry("no marker", NO_MARKER), Map.entry("nomarker", NO_MARKER),
            Map.entry("none", NO_MARKER), Map.entry("no mark", NO_MARKER));

    public final int dtxType;
    public final String legacyPrefix;
    public final String legacyLabel;
    public final String code;

    GlucoseMarker(int dtxType, String legacyPrefix, String legacyLabel, String code) {
        this.dtxType = dtxType;
        this.legacyPrefix = legacyPrefix;
        this.legacyLabel = legacyLabel;
        this.code = code;
    }

    /**
     * The marker of a spelling, matched whole after folding case, {@code _}, {@code -} and runs of spaces: every
     * spelling seen (legacy-db.md section 3) and the meters'. A spelling no rule names (such as
     * {@code Non-fasting}) is not guessed from a word inside it: empty.
     */
    public static Optional<GlucoseMarker> parse(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String m = raw.strip().toLowerCase(Locale.ROOT).replace('_', ' ').replace('-', ' ')
                .replaceAll("\\s+", " ");
        return Optional.ofNullable(SPELLINGS.get(m));
    }

    /** The marker of a spelling; absent or unknown means the reading carries no usable marker. */
    public static GlucoseMarker of(String raw) {
        return parse(raw).orElse(NO_MARKER);
    }
}
