package org.mfc.fhir.core.legacy;

import java.util.List;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.hl7.fhir.r5.model.Organization;
import org.mfc.fhir.core.fhir.MappedResource;
import org.mfc.fhir.core.model.Systems;

/**
 * Legacy {@code hospitals} document to R5 Organization (fhir-r5-mapping.md section 3): id = the legacy {@code _id}
 * as 24 hex digits; name from the {@code name} array, English, else Thai, else {@code en_name}. Pure: no I/O.
 */
public final class OrganizationMapper {

    /** Identifier system of the legacy hospital {@code code}. */
    public static final String HOSPITAL_CODE = Systems.PROJECT_BASE + "/sid/hospital-code";

    /** The Organization, or null when the document has no ObjectId {@code _id}. */
    public MappedResource map(Document hospital) {
        if (!(hospital.get("_id") instanceof ObjectId id)) {
            return null;
        }
        Organization o = new Organization();
        o.setId(id.toHexString());
        org.mfc.fhir.core.fhir.MappingVersion.tag(o);
        o.addIdentifier().setSystem(Systems.LEGACY_ID).setValue(id.toHexString());
        String code = LegacyValues.text(hospital.get("code"));
        if (code != null) {
            o.addIdentifier().setSystem(HOSPITAL_CODE).setValue(code);
        }
        String name = name(hospital);
        if (name != null) {
            o.setName(name);
        }
        o.setActive(!Boolean.FALSE.equals(hospital.get("is_active")));
        String phone = LegacyValues.text(hospital.get("phone"));
        String email = LegacyValues.text(hospital.get("email"));
        if (phone != null || email != null) {
            var contact = o.addContact();
            if (phone != null) {
                contact.getTelecomFirstRep().setSystem(org.hl7.fhir.r5.model.ContactPoint.ContactPointSystem.PHONE)
                        .setValue(phone);
            }
            if (email != null) {
                contact.addTelecom().setSystem(org.hl7.fhir.r5.model.ContactPoint.ContactPointSystem.EMAIL)
                        .setValue(email);
            }
        }
        return new MappedResource(o, null, null, null, null);
    }

    static String name(Document hospital) {
        String thai = null;
        if (hospital.get("name") instanceof List<?> names) {
            for (Object n : names) {
                if (n instanceof Document d) {
                    String lang = LegacyValues.text(d.get("code"));
                    String value = LegacyValues.text(d.get("name"));
                    if ("en".equalsIgnoreCase(lang) && value != null) {
                        return value;
                    }
                    if ("th".equalsIgnoreCase(lang) && value != null && thai == null) {
                        thai = value;
                    }
                }
            }
        } else if (hospital.get("name") instanceof String s && !s.isBlank() && thai == null) {
            thai = s.strip();
        }
        return thai != null ? thai : LegacyValues.text(hospital.get("en_name"));
    }
}
