package org.mfc.fhir.api.fhir;

import java.util.Locale;

import org.mfc.fhir.api.search.InvalidParameter;

/** The response format: FHIR JSON (default) or XML, pretty-printed or not. */
public record Format(boolean xml, boolean pretty) {

    public static final Format JSON = new Format(false, false);
    public static final String FHIR_JSON = "application/fhir+json";
    public static final String FHIR_XML = "application/fhir+xml";

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
        boolean xml = accept != null && accept.contains("xml") && !accept.contains("json");
        return new Format(xml, pretty);
    }

    public String mediaType() {
        return (xml ? FHIR_XML : FHIR_JSON) + ";charset=UTF-8";
    }
}
