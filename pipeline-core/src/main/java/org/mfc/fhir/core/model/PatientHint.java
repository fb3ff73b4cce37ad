package org.mfc.fhir.core.model;

/**
 * Demographics a kiosk carries with each reading (Qube-Vital). The citizen id is the patient key; the rest is used
 * only to create or complete an unregistered walk-in patient. Never logged.
 *
 * @param birthDate in FHIR date form: {@code YYYY-MM-DD}, or {@code YYYY-MM} / {@code YYYY} when the card gives no
 *                  day or month (Thai cards write {@code 00} for an unknown day or month); null when unknown
 */
public record PatientHint(String citizenId, String title, String firstName, String lastName, String birthDate,
        String gender) {
}
