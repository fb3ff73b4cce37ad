package org.mfc.fhir.api.search;

/**
 * A token search value: {@code code} (any system), {@code system|code}, {@code |code} (no system: {@code system} is
 * the empty string) or {@code system|} (any code of the system: {@code code} null).
 */
public record TokenValue(String system, String code) {

    static TokenValue parse(String parameter, String text) {
        int bar = text.indexOf('|');
        if (bar < 0) {
            return new TokenValue(null, nonEmpty(parameter, text));
        }
        if (text.indexOf('|', bar + 1) >= 0) {
            throw InvalidParameter.invalid(parameter, "a token is code, system|code, |code or system|");
        }
        String system = text.substring(0, bar);
        String code = text.substring(bar + 1);
        if (system.isEmpty() && code.isEmpty()) {
            throw InvalidParameter.invalid(parameter, "a token needs a system or a code");
        }
        return new TokenValue(system, code.isEmpty() ? null : code);
    }

    private static String nonEmpty(String parameter, String s) {
        if (s.isEmpty()) {
            throw InvalidParameter.invalid(parameter, "empty value");
        }
        return s;
    }

    /** The text form, as it goes back into a link. */
    public String text() {
        if (system == null) {
            return code;
        }
        return system + "|" + (code == null ? "" : code);
    }
}
