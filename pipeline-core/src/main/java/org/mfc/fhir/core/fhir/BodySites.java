package org.mfc.fhir.core.fhir;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.hl7.fhir.r5.model.CodeableConcept;

/**
 * Thermometer {@code mode} to the SNOMED CT body site of the measurement. Only modes whose site is certain are
 * mapped; any other mode (including {@code Object}, a surface reading) leaves {@code bodySite} empty rather than
 * guessing, and the raw mode stays in the legacy entry.
 */
final class BodySites {

    static final String SNOMED = org.mfc.fhir.core.model.Systems.SNOMED;

    private record Site(String code, String display) {
    }

    private static final Map<String, Site> BY_MODE = Map.of(
            "head", new Site("52795006", "Forehead structure"),
            "forehead", new Site("52795006", "Forehead structure"),
            "ear", new Site("117590005", "Ear structure"),
            "oral", new Site("123851003", "Mouth region structure"),
            "axilla", new Site("91470000", "Axillary region structure"));

    private BodySites() {
    }

    /** Where a watch sits: its wrist temperature and cuffless blood pressure are taken there. */
    static CodeableConcept wrist() {
        CodeableConcept cc = new CodeableConcept();
        cc.addCoding(SNOMED, "8205005", "Wrist region structure");
        cc.setText("Wrist (worn device)");
        return cc;
    }

    static Optional<CodeableConcept> ofThermometerMode(String mode) {
        if (mode == null) {
            return Optional.empty();
        }
        Site site = BY_MODE.get(mode.strip().toLowerCase(Locale.ROOT));
        if (site == null) {
            return Optional.empty();
        }
        CodeableConcept cc = new CodeableConcept();
        cc.addCoding(SNOMED, site.code(), site.display());
        cc.setText(mode.strip());
        return Optional.of(cc);
    }
}
