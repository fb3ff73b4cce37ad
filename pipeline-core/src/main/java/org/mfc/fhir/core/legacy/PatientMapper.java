package org.mfc.fhir.core.legacy;

import static org.mfc.fhir.core.legacy.LegacyNames.BIRTH_DATE_PARTIAL;
import static org.mfc.fhir.core.legacy.LegacyNames.ID_CARD;
import static org.mfc.fhir.core.legacy.LegacyNames.IS_DELETED;
import static org.mfc.fhir.core.legacy.LegacyNames.NEW_HOSPITAL_IDS;
import static org.mfc.fhir.core.legacy.LegacyNames.REGISTRATION_STATUS;
import static org.mfc.fhir.core.legacy.LegacyNames.UNREGISTERED;

import java.time.LocalDate;
import java.util.Date;
import java.util.Locale;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.hl7.fhir.r5.model.DateType;
import org.hl7.fhir.r5.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r5.model.HumanName;
import org.hl7.fhir.r5.model.Patient;
import org.mfc.fhir.core.fhir.MappedResource;
import org.mfc.fhir.core.fhir.MappingVersion;
import org.mfc.fhir.core.ids.CitizenIds;
import org.mfc.fhir.core.model.Systems;
import org.mfc.fhir.core.parse.ThaiTime;

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
        MappingVersion.tag(p);
        p.addIdentifier().setSystem(Systems.LEGACY_ID).setValue(id.toHexString());
        String idCard = text(legacy.get(ID_CARD));
        if (idCard != null && CitizenIds.valid(CitizenIds.normalise(idCard))) {
            // The id itself, without the dashes or spaces a clerk typed: one patient, one identifier value.
            p.addIdentifier().setSystem(Systems.CITIZEN_ID).setValue(CitizenIds.normalise(idCard)).getType()
                    .addCoding(Systems.IDENTIFIER_TYPE, "NI", "National unique individual identifier");
        } else if (idCard != null) {
            // Not a citizen id (wrong length or check digit): kept as the registry holds it, not claimed as one.
            p.addIdentifier().setSystem(Systems.LEGACY_ID_CARD).setValue(idCard);
        }
        String hospital = firstHospital(legacy);
        String hn = text(legacy.get("hn_id_no"));
        if (hn != null) {
            // An HN is unique only within its hospital: scoped by the hospital's system and named assigner.
            var identifier = p.addIdentifier().setSystem(hospital == null ? Systems.HOSPITAL_NUMBER
                    : Systems.hospitalNumber(hospital)).setValue(hn);
            identifier.getType().addCoding(Systems.IDENTIFIER_TYPE, "MR", "Medical record number");
            if (hospital != null) {
                identifier.setAssigner(new org.hl7.fhir.r5.model.Reference("Organization/" + hospital));
            }
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
        String birth = birthDate(legacy.get("birth_date"), legacy.get(BIRTH_DATE_PARTIAL));
        if (birth != null) {
            p.setBirthDateElement(new DateType(birth));
        }
        boolean deleted = Boolean.TRUE.equals(legacy.get(IS_DELETED));
        Object active = legacy.get("is_active");
        p.setActive(!deleted && !Boolean.FALSE.equals(active));
        if (hospital != null) {
            p.setManagingOrganization(new org.hl7.fhir.r5.model.Reference("Organization/" + hospital));
        }
        if (UNREGISTERED.equals(text(legacy.get(REGISTRATION_STATUS)))) {
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

    /**
     * The birth date in FHIR date form. A legacy Date is read in the legacy application's zone (Thai local): a
     * Thai midnight is 17:00 UTC the day before. A partial date ({@value LegacyNames#BIRTH_DATE_PARTIAL}) keeps what
     * is known.
     */
    static String birthDate(Object raw, Object partial) {
        if (raw instanceof Date d) {
            return d.toInstant().atZone(ThaiTime.ZONE).toLocalDate().toString();
        }
        String s = text(raw);
        if (s != null && s.length() >= 10) {
            try {
                return LocalDate.parse(s.substring(0, 10)).toString();
            } catch (java.time.format.DateTimeParseException e) {
                return null;
            }
        }
        String p = text(partial);
        if (p != null && p.matches("[0-9]{4}(-(0[1-9]|1[0-2]))?")) {
            return p;
        }
        return null;
    }

    /**
     * The patient's hospital: the first of {@code new_hospital_ids}, as 24 hex, or null. The Patient's
     * {@code managingOrganization} and its HN's assigner name this Organization.
     */
    public static String firstHospital(Document legacy) {
        if (legacy.get(NEW_HOSPITAL_IDS) instanceof java.util.List<?> ids) {
            for (Object id : ids) {
                ObjectId oid = LegacyIds.objectId(id);
                if (oid != null) {
                    return oid.toHexString();
                }
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
