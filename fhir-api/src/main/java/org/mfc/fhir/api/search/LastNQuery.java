package org.mfc.fhir.api.search;

import java.util.List;

/**
 * A parsed {@code Observation/$lastn}: the newest {@code max} Observations of each code of one patient.
 *
 * @param patientId  from {@code patient} or {@code subject}, or null (then the token's compartment names it)
 * @param codes      OR-ed {@code code} tokens, empty for every code
 * @param categories OR-ed {@code category} tokens, empty for every category
 */
public record LastNQuery(String patientId, List<TokenValue> codes, List<TokenValue> categories, int max) {
}
