package org.mfc.fhir.api.search;

import java.util.List;
import java.util.Map;

/**
 * The one table of what the API serves: resource types, their interactions, search parameters, includes and
 * operations. The parameter parser accepts exactly these names and the CapabilityStatement is built from this table,
 * so the two cannot disagree.
 */
public final class SupportedSearches {

    public static final String OBSERVATION = "Observation";
    public static final String PATIENT = "Patient";
    public static final String DEVICE = "Device";
    public static final String PROVENANCE = "Provenance";
    public static final String ORGANIZATION = "Organization";

    /** Every type that can be read by id. */
    public static final List<String> READABLE = List.of(OBSERVATION, PATIENT, DEVICE, PROVENANCE, ORGANIZATION);

    /** {@code _include} values of an Observation search. */
    public static final String INCLUDE_DEVICE = "Observation:device";
    public static final String INCLUDE_PATIENT = "Observation:patient";
    public static final List<String> OBSERVATION_INCLUDES = List.of(INCLUDE_DEVICE, INCLUDE_PATIENT);

    /** The {@code $lastn} operation of Observation, type level, GET. */
    public static final String LASTN = "lastn";
    public static final String LASTN_DEFINITION = "http://hl7.org/fhir/OperationDefinition/Observation-lastn";

    /** Parameters every search and operation accepts that are not filters: format and paging. */
    public static final List<String> GENERAL = List.of("_format", "_pretty", "_cursor");

    private static final String BASE = "http://hl7.org/fhir/SearchParameter/";

    private static final SearchParameter PATIENT_REF = new SearchParameter("patient", "reference",
            BASE + "clinical-patient", "The patient: id, Patient/id or an absolute Patient URL. One value.");
    private static final SearchParameter CODE = new SearchParameter("code", "token", BASE + "clinical-code",
            "Any coding of Observation.code: code, system|code, |code or system|; several values separated by "
                    + "commas (OR).");
    private static final SearchParameter CATEGORY = new SearchParameter("category", "token",
            BASE + "Observation-category", "Any coding of Observation.category; commas for OR.");

    private static final Map<String, List<SearchParameter>> SEARCH = Map.of(
            OBSERVATION, List.of(
                    PATIENT_REF,
                    new SearchParameter("subject", "reference", BASE + "Observation-subject",
                            "The subject, a Patient: id or Patient/id (the :Patient modifier is accepted). One value."),
                    CODE,
                    CATEGORY,
                    new SearchParameter("device", "reference", BASE + "Observation-device",
                            "The measuring device: id or Device/id. One value."),
                    new SearchParameter("date", "date", BASE + "clinical-date",
                            "The effective time (effectiveDateTime, or effectivePeriod as a range: eq contains "
                                    + "it, ge and gt need it to end at or after the value, le and lt to start "
                                    + "before it), with the prefixes eq (default), ge, gt, le, lt; repeat for AND; a "
                                    + "value without time zone is UTC."),
                    new SearchParameter("_sort", "special", null, "date (oldest first) or -date (newest first, "
                            + "the default)."),
                    new SearchParameter("_count", "number", null, "Entries per page (default and cap in the "
                            + "server's configuration; larger values are lowered to the cap; 0 counts only)."),
                    new SearchParameter("_summary", "token", null, "count (Bundle.total only) or false.")),
            PATIENT, List.of(
                    new SearchParameter("identifier", "token", BASE + "Patient-identifier",
                            "system|value or value; commas for OR."),
                    new SearchParameter("_count", "number", null, "Entries per page."),
                    new SearchParameter("_summary", "token", null, "count or false.")),
            DEVICE, List.of(
                    new SearchParameter("identifier", "token", BASE + "Device-identifier",
                            "system|value or value; commas for OR. Required with a patient token (patient/ scopes): "
                                    + "the patient's devices are listed by Observation?_include=Observation:device."),
                    new SearchParameter("_count", "number", null, "Entries per page."),
                    new SearchParameter("_summary", "token", null, "count or false.")));

    /** Parameters of {@code Observation/$lastn}. */
    public static final List<SearchParameter> LASTN_PARAMETERS = List.of(
            PATIENT_REF,
            new SearchParameter("subject", "reference", BASE + "Observation-subject", "As patient."),
            CODE,
            CATEGORY,
            new SearchParameter("max", "number", null,
                    "Observations per code, newest first (default 1, lowered to the server's cap)."));

    private SupportedSearches() {
    }

    /** The search parameters of {@code type}; empty when the type cannot be searched. */
    public static List<SearchParameter> searchParameters(String type) {
        return SEARCH.getOrDefault(type, List.of());
    }

    public static boolean searchable(String type) {
        return SEARCH.containsKey(type);
    }

    public static List<String> includes(String type) {
        return OBSERVATION.equals(type) ? OBSERVATION_INCLUDES : List.of();
    }
}
