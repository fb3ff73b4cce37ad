package org.mfc.fhir.api.rest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.bson.Document;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.mfc.fhir.api.access.ReadScopes;
import org.mfc.fhir.api.config.FhirApiConfig;
import org.mfc.fhir.api.fhir.FhirBody;
import org.mfc.fhir.api.fhir.FhirRenderer;
import org.mfc.fhir.api.fhir.Format;
import org.mfc.fhir.api.search.InvalidParameter;
import org.mfc.fhir.api.search.ParsedSearch;
import org.mfc.fhir.api.search.SearchParser;
import org.mfc.fhir.api.search.SupportedSearches;
import org.mfc.fhir.api.service.ReadService;
import org.mfc.fhir.api.service.ResourceNotFound;
import org.mfc.fhir.api.service.SearchResult;
import org.mfc.fhir.core.json.Json;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.json.JsonString;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/**
 * The FHIR R5 REST surface under {@code /fhir}: {@code metadata}, read by id, type-level search and
 * {@code Observation/$lastn}. Thin: parameters to a search ({@link SearchParser}), the caller's token to scopes
 * ({@link ReadScopes}), the service's result to a body ({@link FhirRenderer}); and SMART's discovery document. GET
 * only; every other method is 405.
 */
@Path("/fhir")
public class FhirEndpoint {

    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    /** Search parameters whose values are references. */
    private static final List<String> REFERENCE_PARAMETERS = List.of("patient", "subject", "device");

    @Inject
    ReadService service;

    @Inject
    SearchParser parser;

    @Inject
    FhirApiConfig config;

    @Inject
    JsonWebToken token;

    @Inject
    AuditEntry audit;

    /** The tokens' issuer, which the discovery document names. */
    @ConfigProperty(name = "mp.jwt.verify.issuer")
    String issuer;

    @Context
    UriInfo uri;

    @Context
    HttpHeaders headers;

    @GET
    @Path("/metadata")
    public Response metadata() {
        audit.interaction("capabilities", "-");
        return ok(FhirRenderer.capabilities(base(), tokenEndpoint(), format()));
    }

    /**
     * SMART App Launch discovery for backend services (no token needed): where tokens come from and which scopes
     * this server understands. 404 while {@code FHIR_API_SMART_TOKEN_ENDPOINT} is not set.
     */
    @GET
    @Path("/.well-known/smart-configuration")
    @Produces(MediaType.APPLICATION_JSON)
    public Response smartConfiguration() {
        audit.interaction("smart-configuration", "-");
        String tokenEndpoint = tokenEndpoint();
        if (tokenEndpoint == null) {
            throw new FhirRequestException(404, "not-found", "SMART discovery is not configured on this server "
                    + "(FHIR_API_SMART_TOKEN_ENDPOINT); tokens come from the operator's authorization server");
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", issuer);
        doc.put("token_endpoint", tokenEndpoint);
        doc.put("grant_types_supported", List.of("client_credentials"));
        doc.put("token_endpoint_auth_methods_supported", List.of("private_key_jwt"));
        doc.put("token_endpoint_auth_signing_alg_values_supported", List.of("RS384", "ES384"));
        doc.put("scopes_supported", List.of("system/*.read", "system/*.rs", "patient/*.read", "patient/*.rs"));
        doc.put("capabilities", List.of("client-confidential-asymmetric", "permission-v1", "permission-v2"));
        try {
            return Response.ok(Json.mapper().writeValueAsBytes(doc), MediaType.APPLICATION_JSON).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String tokenEndpoint() {
        return config.smartTokenEndpoint().map(String::strip).filter(t -> !t.isEmpty()).orElse(null);
    }

    @GET
    @Path("/Observation/$lastn")
    @Authenticated
    public Response lastn() {
        audit.interaction("operation-lastn", SupportedSearches.OBSERVATION);
        ReadScopes scopes = scopes();
        return refusalAudited(() -> {
            Format format = format();
            var parsed = auditedOnRefusal(raw -> parser.lastn(raw, strict()));
            audited(parsed, parsed.query().patientId(), scopes);
            SearchResult result = service.lastn(scopes, parsed.query());
            return searchset("Observation/$lastn", parsed, result, format);
        });
    }

    @GET
    @Path("/{type}")
    @Authenticated
    public Response search(@PathParam("type") String type) {
        audit.interaction("search-type", auditedType(type));
        ReadScopes scopes = scopes();
        return refusalAudited(() -> {
            knownType(type);
            Format format = format();
            if (!SupportedSearches.searchable(type)) {
                throw new FhirRequestException(400, "not-supported", "search of " + type + " is not supported (read "
                        + type + "/[id] is)");
            }
            boolean strict = strict();
            if (SupportedSearches.OBSERVATION.equals(type)) {
                var parsed = auditedOnRefusal(raw -> parser.observation(raw, strict));
                audited(parsed, parsed.query().patientId(), scopes);
                return searchset(type, parsed, service.observations(scopes, parsed.query()), format);
            }
            var parsed = auditedOnRefusal(raw -> parser.identifier(type, raw, strict));
            audited(parsed, null, scopes);
            return searchset(type, parsed, service.byIdentifier(scopes, parsed.query()), format);
        });
    }

    @GET
    @Path("/{type}/{id}")
    @Authenticated
    public Response read(@PathParam("type") String type, @PathParam("id") String id) {
        audit.interaction("read", auditedType(type));
        ReadScopes scopes = scopes();
        audited(null, SupportedSearches.PATIENT.equals(type) && FHIR_ID.matcher(id).matches() ? id : null, scopes);
        return refusalAudited(() -> {
            knownType(type);
            Format format = format();
            if (!FHIR_ID.matcher(id).matches()) {
                throw new ResourceNotFound(type + " ids are FHIR ids (letters, digits, '-', '.'; at most 64)", false);
            }
            Document envelope = service.read(scopes, type, id);
            audit.entries(1);
            audit.patient(envelope.getString("patient_id"));
            Response.ResponseBuilder r = Response.ok(FhirRenderer.resource(envelope, format).bytes(),
                    format.mediaType());
            if (envelope.getDate("updated_at") != null) {
                r.lastModified(envelope.getDate("updated_at"));
            }
            return r.build();
        });
    }

    /** The type for the audit line: a type this server serves, else {@code ?} (never the client's text). */
    private static String auditedType(String type) {
        return SupportedSearches.READABLE.contains(type) ? type : "?";
    }

    /**
     * Runs what may refuse the request after its caller is known; a refusal's audit line still names the query's
     * parameters (a format or a type refused before the query was parsed included).
     */
    private Response refusalAudited(Supplier<Response> answer) {
        try {
            return answer.get();
        } catch (RuntimeException e) {
            uri.getQueryParameters(true).keySet().forEach(audit::parameter);
            throw e;
        }
    }

    private String knownType(String type) {
        if (!SupportedSearches.READABLE.contains(type)) {
            throw new FhirRequestException(404, "not-supported", "resource type not supported here; supported: "
                    + String.join(", ", SupportedSearches.READABLE));
        }
        return type;
    }

    private Response searchset(String path, ParsedSearch<?> parsed, SearchResult result, Format format) {
        String base = base();
        String self = Links.of(base, path, parsed.applied(), parsed.cursor());
        String next = result.next() == null ? null : Links.of(base, path, parsed.applied(), result.next().encode());
        audit.entries(result.matches().size() + result.includes().size());
        return ok(FhirRenderer.searchset(base, result.matches(), result.includes(), result.total(), self, next,
                format));
    }

    private void audited(ParsedSearch<?> parsed, String searchedPatient, ReadScopes scopes) {
        if (parsed != null) {
            parsed.applied().forEach(e -> audit.parameter(e.getKey()));
        }
        if (scopes.patient() != null && scopes.patientScoped()) {
            audit.patient(scopes.patient());
        }
        audit.patient(searchedPatient);
    }

    /** Parses the query; when it is refused, the audit line still names the parameters the client sent. */
    private <Q> ParsedSearch<Q> auditedOnRefusal(Function<Map<String, List<String>>, ParsedSearch<Q>> parse) {
        Map<String, List<String>> raw = new LinkedHashMap<>(uri.getQueryParameters(true));
        try {
            return parse.apply(withLocalReferences(raw));
        } catch (RuntimeException e) {
            raw.keySet().forEach(audit::parameter);
            throw e;
        }
    }

    private ReadScopes scopes() {
        String subject = token.getSubject() != null ? token.getSubject() : token.getName();
        Object claim = token.getClaim(ReadScopes.PATIENT_CLAIM);
        String patient = claim instanceof JsonString s ? s.getString() : claim == null ? null : claim.toString();
        ReadScopes scopes = ReadScopes.of(subject, token.getGroups(), patient);
        audit.caller(subject == null ? "-" : subject.replaceAll("[^A-Za-z0-9._:@\\-]", "?"), scopes.kind());
        return scopes;
    }

    /** The query's parameters, with absolute references of this server made relative ({@link #local}). */
    private Map<String, List<String>> withLocalReferences(Map<String, List<String>> raw) {
        Map<String, List<String>> out = new LinkedHashMap<>(raw);
        for (String name : REFERENCE_PARAMETERS) {
            List<String> values = out.get(name);
            if (values != null) {
                out.put(name, values.stream().map(v -> local(name, v)).toList());
            }
        }
        return out;
    }

    /**
     * An absolute reference is this server's resource only under this server's base; it is then read as the
     * relative reference. Another server's (or a base this server does not answer to) is refused: taken as local, it
     * matched this server's patient of the same id.
     */
    private String local(String parameter, String value) {
        if (!value.contains("://")) {
            return value;
        }
        String base = base() + "/";
        if (value.startsWith(base)) {
            return value.substring(base.length());
        }
        throw InvalidParameter.invalid(parameter, "a reference to another server; give " + base + "<type>/<id> or "
                + "<type>/<id>");
    }

    /** {@code Prefer: handling=strict|lenient}; without it, the configured default. */
    private boolean strict() {
        String prefer = headers.getHeaderString("Prefer");
        if (prefer != null) {
            for (String token : prefer.toLowerCase(Locale.ROOT).split("[,;]")) {
                // RFC 7240: whitespace may surround "=", and the value may be a quoted string.
                String t = token.replaceAll("\\s*=\\s*", "=").replace("\"", "").strip();
                if (t.equals("handling=strict")) {
                    return true;
                }
                if (t.equals("handling=lenient")) {
                    return false;
                }
            }
        }
        return "strict".equalsIgnoreCase(config.defaultHandling());
    }

    private Format format() {
        return Format.negotiate(uri.getQueryParameters().getFirst("_format"),
                headers.getHeaderString(HttpHeaders.ACCEPT), uri.getQueryParameters().getFirst("_pretty"));
    }

    /** The configured base, else the one the client used (scheme, host, port) plus {@code /fhir}. */
    private String base() {
        String configured = config.baseUrl().map(String::strip).orElse("");
        if (!configured.isEmpty()) {
            return configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
        }
        String root = uri.getBaseUri().toString();
        return (root.endsWith("/") ? root.substring(0, root.length() - 1) : root) + "/fhir";
    }

    private static Response ok(FhirBody body) {
        return Response.ok(body.bytes(), body.mediaType()).build();
    }
}
