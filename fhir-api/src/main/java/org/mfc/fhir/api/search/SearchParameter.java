package org.mfc.fhir.api.search;

/**
 * A search parameter the API supports, as the CapabilityStatement declares it.
 *
 * @param name          as in the query string
 * @param type          the FHIR search parameter type ({@code reference}, {@code token}, {@code date},
 *                      {@code number}, {@code special})
 * @param definition    canonical URL of the standard SearchParameter, or null for a search result parameter
 * @param documentation what exactly is supported
 */
public record SearchParameter(String name, String type, String definition, String documentation) {
}
