package org.mfc.fhir.api.fhir;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import org.bson.Document;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r5.model.Bundle;
import org.hl7.fhir.r5.model.OperationOutcome;
import org.hl7.fhir.r5.model.Resource;
import org.mfc.fhir.core.fhir.FhirJson;

import ca.uhn.fhir.parser.IParser;

/**
 * Every response body, built with HAPI's R5 model and encoded by HAPI's JSON or XML parser: a stored resource,
 * a {@code searchset} Bundle, an OperationOutcome, the CapabilityStatement. The one place (with
 * {@link StoredResources} and {@link ServerCapabilities}) that knows the R5 model on the read path.
 */
public final class FhirRenderer {

    private FhirRenderer() {
    }

    public static FhirBody resource(Document envelope, Format format) {
        return encode(StoredResources.decode(envelope), format);
    }

    /**
     * A {@code searchset} Bundle: matches then includes, each with its {@code fullUrl}; {@code total} only when
     * counted ({@code _summary=count}), since counting costs a second pass over the range.
     *
     * @param total    the number of matches, or -1
     * @param nextUrl  the {@code next} link, or null on the last page
     */
    public static FhirBody searchset(String base, List<Document> matches, List<Document> includes, long total,
            String selfUrl, String nextUrl, Format format) {
        Bundle bundle = new Bundle();
        bundle.setId(UUID.randomUUID().toString());
        bundle.getMeta().setLastUpdated(new Date());
        bundle.setType(Bundle.BundleType.SEARCHSET);
        if (total >= 0) {
            bundle.setTotal((int) Math.min(Integer.MAX_VALUE, total));
        }
        bundle.addLink().setRelation(Bundle.LinkRelationTypes.SELF).setUrl(selfUrl);
        if (nextUrl != null) {
            bundle.addLink().setRelation(Bundle.LinkRelationTypes.NEXT).setUrl(nextUrl);
        }
        add(bundle, base, matches, Bundle.SearchEntryMode.MATCH);
        add(bundle, base, includes, Bundle.SearchEntryMode.INCLUDE);
        return encode(bundle, format);
    }

    private static void add(Bundle bundle, String base, List<Document> envelopes, Bundle.SearchEntryMode mode) {
        for (Document envelope : envelopes) {
            Resource r = StoredResources.decode(envelope);
            bundle.addEntry().setFullUrl(base + "/" + r.fhirType() + "/" + r.getIdElement().getIdPart())
                    .setResource(r).getSearch().setMode(mode);
        }
    }

    /**
     * @param issueCode  an OperationOutcome issue type ({@code invalid}, {@code not-found}, {@code forbidden} ...)
     * @param parameter  the request parameter at fault, or null; named as {@code http.<parameter>}
     */
    public static FhirBody outcome(String issueCode, String message, String parameter, Format format) {
        OperationOutcome outcome = new OperationOutcome();
        OperationOutcome.OperationOutcomeIssueComponent issue = outcome.addIssue()
                .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                .setCode(OperationOutcome.IssueType.fromCode(issueCode))
                .setDiagnostics(message);
        issue.getDetails().setText(message);
        if (parameter != null) {
            issue.addExpression("http." + parameter);
        }
        return encode(outcome, format);
    }

    /** @param tokenEndpoint the SMART token endpoint, or null when none is configured */
    public static FhirBody capabilities(String base, String tokenEndpoint, Format format) {
        return encode(ServerCapabilities.build(base, tokenEndpoint), format);
    }

    static FhirBody encode(IBaseResource resource, Format format) {
        IParser parser = format.xml() ? FhirJson.context().newXmlParser() : FhirJson.context().newJsonParser();
        parser.setPrettyPrint(format.pretty());
        return new FhirBody(parser.encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8),
                format.mediaType());
    }

    /** Pays HAPI's model scans for the types and formats the API encodes, at start-up. */
    public static void warmUp() {
        FhirJson.warmUp();
        for (Format f : List.of(Format.JSON, new Format(true, false))) {
            outcome("invalid", "warm-up", "warm-up", f);
            searchset("http://localhost/fhir", List.of(), List.of(), 0, "http://localhost/fhir/Observation",
                    null, f);
            capabilities("http://localhost/fhir", null, f);
        }
    }
}
