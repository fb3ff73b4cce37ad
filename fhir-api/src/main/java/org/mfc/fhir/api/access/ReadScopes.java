package org.mfc.fhir.api.access;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The read grants of a token, SMART backend-services style: {@code system/*.read} (or {@code system/Observation.read},
 * or the v2 forms {@code system/*.rs}, {@code .r}, {@code .s}) reads everything of those types; the same with
 * {@code patient/} reads one patient's compartment, named by the token's {@code patient} claim. Scopes with another
 * context ({@code user/}) or without a read permission grant nothing here. A {@code system/} grant wins over a
 * {@code patient/} grant for the same type.
 *
 * @param subject the token's subject: the client, for the audit line
 * @param patient the {@code patient} claim, or null
 */
public record ReadScopes(String subject, List<Grant> grants, String patient) {

    /** One parsed scope. {@code type} is a resource type or {@code *}. */
    public record Grant(boolean system, String type, boolean read, boolean search) {

        boolean allows(String resourceType, Interaction interaction) {
            return (type.equals("*") || type.equals(resourceType))
                    && (interaction == Interaction.READ ? read : search);
        }
    }

    /** The claim naming the patient whose compartment a {@code patient/} scope reads. */
    public static final String PATIENT_CLAIM = "patient";

    private static final Pattern SCOPE = Pattern.compile("(system|patient|user)/(\\*|[A-Z][A-Za-z]{1,63})\\.(\\*|read|write|[cruds]{1,5})");
    /** A FHIR id: what the claim must look like to be used in a query. */
    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    public static ReadScopes of(String subject, Collection<String> scopes, String patientClaim) {
        List<Grant> grants = new ArrayList<>();
        for (String scope : scopes) {
            Matcher m = SCOPE.matcher(scope.strip());
            if (!m.matches() || m.group(1).equals("user")) {
                continue;
            }
            String permission = m.group(3).toLowerCase(Locale.ROOT);
            boolean all = permission.equals("*") || permission.equals("read");
            boolean v2 = !all && !permission.equals("write");
            boolean read = all || (v2 && permission.indexOf('r') >= 0);
            boolean search = all || (v2 && permission.indexOf('s') >= 0);
            if (read || search) {
                grants.add(new Grant(m.group(1).equals("system"), m.group(2), read, search));
            }
        }
        return new ReadScopes(subject, List.copyOf(grants), patientClaim);
    }

    /**
     * Whose data the token may see for {@code interaction} on {@code resourceType}.
     *
     * @throws AccessDenied when no scope grants it, or a patient scope comes without a usable patient claim
     */
    public Compartment compartment(String resourceType, Interaction interaction) {
        boolean patientGrant = false;
        for (Grant g : grants) {
            if (g.allows(resourceType, interaction)) {
                if (g.system()) {
                    return Compartment.ALL;
                }
                patientGrant = true;
            }
        }
        if (!patientGrant) {
            throw new AccessDenied("no scope grants " + interaction.code + " of " + resourceType
                    + " (system/" + resourceType + ".read or patient/" + resourceType + ".read)");
        }
        if (patient == null || !FHIR_ID.matcher(patient).matches()) {
            throw new AccessDenied("a patient/ scope needs the token's patient claim (a FHIR id)");
        }
        return Compartment.of(patient);
    }

    /** Whether the read grants are {@code patient/} ones only (none {@code system/}; at least one). */
    public boolean patientScoped() {
        return !grants.isEmpty() && grants.stream().noneMatch(Grant::system);
    }

    /** The audit line's scope kind: {@code system}, {@code patient}, or {@code none} for a token without a read grant. */
    public String kind() {
        return grants.isEmpty() ? "none" : patientScoped() ? "patient" : "system";
    }
}
