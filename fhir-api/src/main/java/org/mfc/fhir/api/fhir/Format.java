package org.mfc.fhir.api.fhir;

import java.util.Locale;

import org.mfc.fhir.api.search.InvalidParameter;

/** The response format: FHIR JSON (default) or XML, pretty-printed or not. */
public record Format(boolean xml, boolean pretty) {

    public static final Format JSON = new Format(false, false);
    public static final String FHIR_JSON = "application/fhir+json";
    public static final String FHIR_XML = "application/fhir+xml";
    private static final int MAX_MEDIA_RANGES = 32;

    /**
     * From {@code _format} (which wins) or the {@code Accept} header; {@code _pretty=true} indents.
     *
     * @throws InvalidParameter for a {@code _format} or {@code _pretty} that is neither JSON nor XML, true nor false
     */
    public static Format negotiate(String formatParameter, String accept, String prettyParameter) {
        boolean pretty = false;
        if (prettyParameter != null) {
            if (!prettyParameter.equals("true") && !prettyParameter.equals("false")) {
                throw InvalidParameter.invalid("_pretty", "true or false");
            }
            pretty = prettyParameter.equals("true");
        }
        if (formatParameter != null) {
            return switch (formatParameter.toLowerCase(Locale.ROOT).strip()) {
                case "json", "application/json", FHIR_JSON -> new Format(false, pretty);
                case "xml", "text/xml", "application/xml", FHIR_XML -> new Format(true, pretty);
                default -> throw InvalidParameter.notSupported("_format", "json or xml");
            };
        }
        return new Format(prefersXml(accept), pretty);
    }

    /**
     * Whether {@code Accept} weighs an XML type above every JSON one (quality values, RFC 9110 section 12.5.1); a tie,
     * wildcards only or no header give JSON. Reads at most {@link #MAX_MEDIA_RANGES} ranges.
     */
    static boolean prefersXml(String accept) {
        if (accept == null) {
            return false;
        }
        double json = 0;
        double xml = 0;
        String[] ranges = accept.split(",", MAX_MEDIA_RANGES + 1);
        for (int i = 0; i < Math.min(ranges.length, MAX_MEDIA_RANGES); i++) {
            String[] parts = ranges[i].split(";");
            String type = parts[0].strip().toLowerCase(Locale.ROOT);
            double q = 1;
            for (int j = 1; j < parts.length; j++) {
                String p = parts[j].strip().toLowerCase(Locale.ROOT);
                if (p.startsWith("q=")) {
                    q = quality(p.substring(2));
                }
            }
            if (type.endsWith("xml")) {
                xml = Math.max(xml, q);
            } else if (type.endsWith("json")) {
                json = Math.max(json, q);
            }
        }
        return xml > json;
    }

    /** An RFC 9110 qvalue (0 to 1, at most three decimals); anything else counts as 0. */
    private static double quality(String text) {
        if (!text.matches("(0(\\.[0-9]{0,3})?|1(\\.0{0,3})?)")) {
            return 0;
        }
        return Double.parseDouble(text);
    }

    public String mediaType() {
        return (xml ? FHIR_XML : FHIR_JSON) + ";charset=UTF-8";
    }
}
