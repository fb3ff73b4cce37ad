package org.mfc.fhir.core.fhir;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Locale;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.hl7.fhir.r5.model.DateType;
import org.hl7.fhir.r5.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r5.model.HumanName;
import org.hl7.fhir.r5.model.Patient;
import org.mfc.fhir.core.model.Systems;

/**
 * Legacy {@code patients} document to R5 Patient. The id is the legacy {@code _id} as 24 hex digits, so Observations
 * written live and by the migrator reference the same Patient (fhir-r5-mapping.md section 3).
 */
public final class PatientMapper {

    /** Tag on Patients created for kiosk walk-ins whom the registry does not know. */
    public static final String REGISTRATION_TAG_SYSTEM = Systems.PROJECT_BASE + "/CodeSystem/registration-status";

    public MappedResource map(Document legacy) {
        ObjectId id = legacy.getObjectId("_id");
        Patient p = new Patient();
        p.setId(id.toHexString());
        p.getMeta().addSecurity(new org.hl7.fhir.r5.model.Coding(Systems.CONFIDENTIALITY, "N", "normal"));
        p.addIdentifier().setSystem(Systems.LEGACY_ID).setValue(id.toHexString());
        String idCard = text(legacy.get("id_card"));
        if (idCard != null) {
            p.addIdentifier().setSystem(Systems.CITIZEN_ID).setValue(idCard).getType()
                    .addCoding(Systems.IDENTIFIER_TYPE, "NI", "National unique individual identifier");
        }
        String hn = text(legacy.get("hn_id_no"));
        if (hn != null) {
            p.addIdentifier().setSystem(Systems.HOSPITAL_NUMBER).setValue(hn).getType()
                    .addCoding(Systems.IDENTIFIER_TYPE, "MR", "Medical record number");
        }
        String first = text(legacy.get("first_name"));
        String last = text(legacy.get("last_name"));
        if (first != null || last != null) {
            HumanName name = p.addName().setUse(HumanName.NameUse.OFFICIAL);
            if (first != null) {
                name.addGiven(first);
            }
            if (last != null) {
                name.setFamily(last);
            }
        }
        p.setGender(gender(legacy.get("gender")));
        LocalDate birth = birthDate(legacy.get("birth_date"));
        if (birth != null) {
            p.setBirthDateElement(new DateType(birth.toString()));
        }
        boolean deleted = Boolean.TRUE.equals(legacy.get("is_deleted"));
        Object active = legacy.get("is_active");
        p.setActive(!deleted && !Boolean.FALSE.equals(active));
        if ("unregistered".equals(text(legacy.get("registration_status")))) {
            p.getMeta().addTag(REGISTRATION_TAG_SYSTEM, "unregistered", "Walk-in, not in the registry");
        }
        return new MappedResource(p, id.toHexString(), null, null, null);
    }

    static AdministrativeGender gender(Object raw) {
        String g = text(raw);
        if (g == null) {
            return AdministrativeGender.UNKNOWN;
        }
        return switch (g.toLowerCase(Locale.ROOT)) {
            case "male", "m", "1" -> AdministrativeGender.MALE;
            case "female", "f", "0", "2" -> AdministrativeGender.FEMALE;
            case "other" -> AdministrativeGender.OTHER;
            default -> AdministrativeGender.UNKNOWN;
        };
    }

    static LocalDate birthDate(Object raw) {
        if (raw instanceof Date d) {
            return d.toInstant().atOffset(ZoneOffset.UTC).toLocalDate();
        }
        String s = text(raw);
        if (s != null && s.length() >= 10) {
            try {
                return LocalDate.parse(s.substring(0, 10));
            } catch (java.time.format.DateTimeParseException e) {
                return null;
            }
        }
        return null;
    }

    private static String text(Object raw) {
        if (raw == null) {
            return null;
        }
        String s = raw.toString().strip();
        return s.isEmpty() ? null : s;
    }
}
