package org.mfc.fhir.core.model;

import java.time.LocalDate;

/**
 * Demographics a kiosk carries with each reading (Qube-Vital). The citizen id is the patient key; the rest is used
 * only to create an unregistered walk-in patient. Never logged.
 */
public record PatientHint(String citizenId, String title, String firstName, String lastName, LocalDate birthDate,
        String gender) {
}
