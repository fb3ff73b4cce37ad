package org.mfc.fhir.api.fhir;

/** An encoded FHIR response body and its media type: what the REST layer sends, without knowing the R5 model. */
public record FhirBody(byte[] bytes, String mediaType) {
}
