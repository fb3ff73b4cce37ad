package org.mfc.fhir.api.access;

/**
 * Whose data a request may see: everything ({@link #ALL}, a {@code system/} scope) or one patient's compartment (a
 * {@code patient/} scope with the token's {@code patient} claim). Every query of the read path takes one.
 */
public record Compartment(String patientId) {

    public static final Compartment ALL = new Compartment(null);

    public static Compartment of(String patientId) {
        return new Compartment(patientId);
    }

    public boolean isAll() {
        return patientId == null;
    }

    /** Whether a resource of {@code ownerPatientId} (null: no patient) is inside. */
    public boolean admits(String ownerPatientId) {
        return isAll() || patientId.equals(ownerPatientId);
    }
}
