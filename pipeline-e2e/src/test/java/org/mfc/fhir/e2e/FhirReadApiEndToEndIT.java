package org.mfc.fhir.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.kafka.clients.admin.NewTopic;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r5.model.Bundle;
import org.hl7.fhir.r5.model.CapabilityStatement;
import org.hl7.fhir.r5.model.Device;
import org.hl7.fhir.r5.model.Observation;
import org.hl7.fhir.r5.model.Organization;
import org.hl7.fhir.r5.model.Parameters;
import org.hl7.fhir.r5.model.Patient;
import org.hl7.fhir.r5.model.Provenance;
import org.hl7.fhir.r5.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.mfc.fhir.bench.Ava4Fleet;
import org.mfc.fhir.core.fhir.FhirEnvelope;
import org.mfc.fhir.core.legacy.OrganizationMapper;
import org.mfc.fhir.core.store.FhirStore;
import org.mfc.fhir.core.testing.Fixtures;
import org.mfc.fhir.core.testing.LegacyRegistry;
import org.mfc.fhir.core.testing.TestJwt;

import com.mongodb.client.model.Filters;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.param.NumberParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;

/**
 * The read API, packaged, after readings went through the real pipeline (ingest API, broker, worker), driven by HAPI's
 * generic client: read of every type, search with every supported parameter, paging to the end, includes,
 * {@code $lastn}, XML, errors, and a patient-scoped token's limits. Every Bundle and resource returned passes the R5
 * validator with zero errors. The last test holds the CapabilityStatement against what the client exercised here
 * (taken from the requests it sent and that succeeded), so the statement cannot claim what is not tested.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FhirReadApiEndToEndIT {

    private static final String TOPIC = "fhir.readings.e2e-read";
    private static final String GROUP = "fhir-parser-worker-e2e-read";
    private static final String MAIN_DB = "AMY_E2E_READ";
    private static final String FHIR_DB = "MFC_FHIR_R5_E2E_READ";
    private static final String LOINC = "http://loinc.org";
    private static final String BP = "85354-9";
    private static final int PER_DEVICE = 12;
    private static final Ava4Fleet FLEET = new Ava4Fleet(2, Instant.now().getEpochSecond() - 3 * 86_400);
    private static final String P1 = Ava4Fleet.patient(0).toHexString();
    private static final String P2 = Ava4Fleet.patient(1).toHexString();
    private static final String CUFF1 = "ble-" + Ava4Fleet.cuffMac(0);
    private static final FhirContext CTX = FhirContext.forR5Cached();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static PackagedPipeline pipeline;
    private static ServiceProcess api;
    private static FhirValidator validator;
    private static String organizationId;
    /** Per type: interactions, parameters, includes and operations of requests that succeeded. */
    private static final Map<String, Map<String, Set<String>>> EXERCISED = new TreeMap<>();

    @BeforeAll
    static void start() throws Exception {
        pipeline = PackagedPipeline.start(new PackagedPipeline.Settings(MAIN_DB, FHIR_DB, TOPIC, GROUP,
                List.of(new NewTopic(TOPIC, 3, (short) 1)), Map.of(), main -> {
                    LegacyRegistry.seedBloodPressurePatient(main);
                    FLEET.seed(main);
                }));
        String write = TestJwt.shared().token("e2e-read-gateways", TestJwt.FLEET_WRITE_SCOPE, null);
        assertThat(post("/api/v1/ava4", Fixtures.text("ava4/bp_biolight.json"), write)).isEqualTo(202);
        for (int i = 0; i < 2 * PER_DEVICE; i++) {
            assertThat(post("/api/v1/ava4", FLEET.request(i, "/api/v1/ava4", Map.of()).body().toString(), write))
                    .isEqualTo(202);
        }
        // Each blood pressure is stored as two Observations: the panel and its heart rate.
        long expected = 2L * (1 + 2 * PER_DEVICE);
        await().atMost(Duration.ofSeconds(90)).until(() -> pipeline.fhir.getCollection("fhir_observations")
                .countDocuments() == expected);
        // The live pipeline stores no Organization; the migrator does, with this mapper.
        ObjectId hospital = new ObjectId("65fc00000000000000000003");
        new FhirStore(pipeline.fhir).insertIfAbsent(FhirStore.byCollection(List.of(FhirEnvelope.wrap(
                new OrganizationMapper().map(new Document("_id", hospital).append("code", "H00001")
                        .append("name", List.of(new Document("code", "en").append("name", "Synthetic Hospital")))),
                Instant.now(), "fhir-migrator", "e2e"))));
        organizationId = hospital.toHexString();
        api = pipeline.startService("fhir-api", "FHIR_API_HTTP_PORT");

        var ctx = CTX;
        ValidationSupportChain chain = new ValidationSupportChain(new DefaultProfileValidationSupport(ctx),
                new CommonCodeSystemsTerminologyService(ctx), new InMemoryTerminologyServerValidationSupport(ctx),
                new SnapshotGeneratingValidationSupport(ctx));
        FhirInstanceValidator module = new FhirInstanceValidator(chain);
        module.setAnyExtensionsAllowed(false);
        validator = ctx.newValidator().registerValidatorModule(module);
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    private static int post(String path, String body, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(pipeline.ingest.baseUrl() + path))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static String token(String scope, String patient) {
        Map<String, Object> claims = TestJwt.shared().claims("e2e-reader", scope, null, Duration.ofMinutes(30));
        claims.put("aud", "mfc-fhir");
        if (patient != null) {
            claims.put("patient", patient);
        }
        return TestJwt.shared().sign(claims);
    }

    private static IGenericClient client(String token) {
        CTX.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        IGenericClient client = CTX.newRestfulGenericClient(api.baseUrl() + "/fhir");
        client.registerInterceptor(new BearerTokenAuthInterceptor(token));
        client.registerInterceptor(new Recorder());
        return client;
    }

    private static IGenericClient system() {
        return client(token("system/*.read", null));
    }

    /** Zero errors from the R5 validator; only codes of systems without content here are not checked. */
    private static <T extends IBaseResource> T valid(T resource) {
        List<String> errors = new ArrayList<>();
        for (SingleValidationMessage m : validator.validateWithResult(resource).getMessages()) {
            if (m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal()
                    && !m.getMessage().contains("CodeSystem is unknown and can't be validated")) {
                errors.add(m.getLocationString() + ": " + m.getMessage());
            }
        }
        assertThat(errors).as(CTX.newJsonParser().encodeResourceToString(resource)).isEmpty();
        return resource;
    }

    private static List<Resource> matches(Bundle b) {
        return b.getEntry().stream().filter(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.MATCH)
                .map(Bundle.BundleEntryComponent::getResource).toList();
    }

    private static List<String> included(Bundle b) {
        return b.getEntry().stream().filter(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.INCLUDE)
                .map(e -> e.getResource().fhirType() + "/" + e.getResource().getIdPart()).toList();
    }

    /** Every page from {@code first} to the end, each validated. */
    private static List<Resource> all(IGenericClient client, Bundle first) {
        List<Resource> out = new ArrayList<>();
        Bundle page = valid(first);
        while (true) {
            out.addAll(matches(page));
            if (page.getLink(Bundle.LINK_NEXT) == null) {
                return out;
            }
            page = valid(client.loadPage().next(page).execute());
        }
    }

    private static long stored(String patient, String code) {
        return pipeline.fhir.getCollection("fhir_observations").countDocuments(Filters.and(
                Filters.eq("patient_id", patient), Filters.eq("code", code)));
    }

    @Test
    @Order(1)
    void givenStoredReadings_whenEachTypeReadById_thenValidR5Resources() {
        IGenericClient client = system();
        Bundle bp = client.search().forResource(Observation.class).where(Observation.PATIENT.hasId(P1))
                .and(Observation.CODE.exactly().systemAndCode(LOINC, BP)).count(1).returnBundle(Bundle.class)
                .execute();
        Observation first = (Observation) matches(valid(bp)).get(0);
        Observation read = valid(client.read().resource(Observation.class).withId(first.getIdPart()).execute());
        assertThat(read.getSubject().getReference()).isEqualTo("Patient/" + P1);
        assertThat(read.getCode().getCodingFirstRep().getCode()).isEqualTo(BP);
        Device cuff = valid(client.read().resource(Device.class).withId(CUFF1).execute());
        assertThat(cuff.getIdentifierFirstRep().getValue()).isEqualTo("0B:00:00:00:00:00");
        assertThat(valid(client.read().resource(Patient.class).withId(P1).execute()).getIdPart()).isEqualTo(P1);
        String provenanceId = pipeline.fhir.getCollection("fhir_provenance").find().first().getString("_id");
        assertThat(valid(client.read().resource(Provenance.class).withId(provenanceId).execute()).getTarget())
                .isNotEmpty();
        assertThat(valid(client.read().resource(Organization.class).withId(organizationId).execute()).getName())
                .isEqualTo("Synthetic Hospital");
        assertThatThrownBy(() -> client.read().resource(Observation.class).withId("no-such-id").execute())
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    @Order(2)
    void givenEverySearchParameter_whenPagedToTheEnd_thenExactlyTheStoredObservations() {
        IGenericClient client = system();
        // patient + code, newest first, five per page: every stored blood pressure of P1 once, in order.
        List<Resource> bp = all(client, client.search().forResource(Observation.class)
                .where(Observation.PATIENT.hasId("Patient/" + P1))
                .and(Observation.CODE.exactly().systemAndCode(LOINC, BP)).count(5)
                .sort().descending(Observation.DATE).returnBundle(Bundle.class).execute());
        assertThat(bp).hasSize((int) stored(P1, BP)).hasSize(PER_DEVICE);
        assertThat(new HashSet<>(bp.stream().map(Resource::getIdPart).toList())).hasSize(PER_DEVICE);
        List<Date> times = bp.stream().map(r -> ((Observation) r).getEffectiveDateTimeType().getValue()).toList();
        List<Date> newestFirst = new ArrayList<>(times);
        newestFirst.sort(java.util.Comparator.reverseOrder());
        assertThat(times).isEqualTo(newestFirst);

        // subject + several codes + category + a date window, oldest first.
        Date from = times.get(PER_DEVICE - 3);
        Date to = times.get(2);
        List<Resource> window = all(client, client.search().forResource(Observation.class)
                .where(Observation.SUBJECT.hasId(P1))
                .and(Observation.CODE.exactly().codes(BP, "8867-4"))
                .and(Observation.CATEGORY.exactly().code("vital-signs"))
                .and(Observation.DATE.afterOrEquals().millis(from)).and(Observation.DATE.beforeOrEquals().millis(to))
                .count(4).sort().ascending(Observation.DATE).returnBundle(Bundle.class).execute());
        assertThat(window).hasSize(2 * (PER_DEVICE - 4))
                .allSatisfy(r -> assertThat(((Observation) r).getEffectiveDateTimeType().getValue())
                        .isBetween(from, to, true, true));

        // device alone; counts only.
        List<Resource> byCuff = all(client, client.search().forResource(Observation.class)
                .where(Observation.DEVICE.hasId("Device/" + CUFF1)).returnBundle(Bundle.class).execute());
        assertThat(byCuff).hasSize(2 * PER_DEVICE);
        Bundle count = valid(client.search().forResource(Observation.class).where(Observation.PATIENT.hasId(P2))
                .summaryMode(SummaryEnum.COUNT).returnBundle(Bundle.class).execute());
        assertThat(count.getTotal()).isEqualTo(2 * PER_DEVICE);
        assertThat(count.getEntry()).isEmpty();
    }

    @Test
    @Order(3)
    void givenIncludes_whenSearched_thenPatientAndDevicesOfThePage() {
        Bundle b = valid(system().search().forResource(Observation.class).where(Observation.PATIENT.hasId(P2))
                .include(Observation.INCLUDE_DEVICE).include(Observation.INCLUDE_PATIENT).count(3)
                .returnBundle(Bundle.class).execute());
        assertThat(matches(b)).hasSize(3);
        assertThat(included(b)).containsExactlyInAnyOrder("Patient/" + P2, "Device/ble-" + Ava4Fleet.cuffMac(1));
    }

    @Test
    @Order(4)
    void givenLastn_whenAsked_thenNewestObservationsPerCode() {
        Bundle b = valid(system().operation().onType(Observation.class).named("$lastn")
                .withSearchParameter(Parameters.class, "patient", new ReferenceParam("Patient/" + P1))
                .andSearchParameter("max", new NumberParam(2)).useHttpGet().returnResourceType(Bundle.class)
                .execute());
        assertThat(matches(b)).hasSize(4);
        Map<String, Integer> perCode = new HashMap<>();
        matches(b).forEach(r -> perCode.merge(((Observation) r).getCode().getCodingFirstRep().getCode(), 1,
                Integer::sum));
        assertThat(perCode).containsEntry(BP, 2).containsEntry("8867-4", 2);
        Bundle one = valid(system().operation().onType(Observation.class).named("$lastn")
                .withSearchParameter(Parameters.class, "subject", new ReferenceParam(P1))
                .andSearchParameter("code", new TokenParam(LOINC, BP))
                .andSearchParameter("category", new TokenParam(null, "vital-signs")).useHttpGet()
                .returnResourceType(Bundle.class).execute());
        Observation newest = (Observation) matches(one).get(0);
        assertThat(matches(one)).hasSize(1);
        assertThat(newest.getEffectiveDateTimeType().getValue()).isEqualTo(pipeline.fhir
                .getCollection("fhir_observations").find(Filters.and(Filters.eq("patient_id", P1),
                        Filters.eq("code", BP))).sort(new Document("effective_datetime", -1)).first()
                .getDate("effective_datetime"));
    }

    @Test
    @Order(5)
    void givenIdentifiers_whenPatientsAndDevicesSearched_thenFound() {
        IGenericClient client = system();
        Bundle patients = valid(client.search().forResource(Patient.class)
                .where(Patient.IDENTIFIER.exactly().systemAndIdentifier("https://fhir.mfc.local/sid/th-citizen-id",
                        "1100000000008")).count(10).returnBundle(Bundle.class).execute());
        assertThat(matches(patients)).extracting(Resource::getIdPart)
                .containsExactly(LegacyRegistry.BP_PATIENT.toHexString());
        assertThat(valid(client.search().forResource(Patient.class).summaryMode(SummaryEnum.COUNT)
                .returnBundle(Bundle.class).execute()).getTotal()).isEqualTo(3);
        Bundle devices = valid(client.search().forResource(Device.class)
                .where(Device.IDENTIFIER.exactly().identifier("0B:00:00:00:00:00")).count(10)
                .returnBundle(Bundle.class).execute());
        assertThat(matches(devices)).extracting(Resource::getIdPart).containsExactly(CUFF1);
        assertThat(valid(client.search().forResource(Device.class).where(Device.IDENTIFIER.exactly()
                .identifier("0B:00:00:00:00:01")).summaryMode(SummaryEnum.COUNT).returnBundle(Bundle.class)
                .execute()).getTotal()).isEqualTo(1);
    }

    @Test
    @Order(6)
    void givenXml_whenReadAndSearched_thenTheSameResources() {
        IGenericClient client = system();
        client.setEncoding(EncodingEnum.XML);
        Bundle b = valid(client.search().forResource(Observation.class).where(Observation.PATIENT.hasId(P1))
                .count(2).returnBundle(Bundle.class).execute());
        assertThat(matches(b)).hasSize(2);
        valid(client.read().resource(Patient.class).withId(P1).execute());
    }

    @Test
    @Order(7)
    void givenBadRequest_whenSent_thenOperationOutcomeNamingTheParameter() {
        IGenericClient client = system();
        assertThatThrownBy(() -> client.search().byUrl("Observation?patient=" + P1 + "&date=gt-yesterday")
                .returnBundle(Bundle.class).execute()).isInstanceOfSatisfying(InvalidRequestException.class,
                        e -> assertThat(e.getResponseBody()).contains("http.date"));
        assertThatThrownBy(() -> client.search().byUrl("Observation?code=" + BP).returnBundle(Bundle.class)
                .execute()).isInstanceOfSatisfying(InvalidRequestException.class,
                        e -> assertThat(e.getResponseBody()).contains("http.patient"));
    }

    @Test
    @Order(8)
    void givenPatientScopedToken_whenReadingAndSearching_thenOnlyItsOwnCompartment() {
        IGenericClient p1 = client(token("patient/*.read", P1));
        String otherObservation = matches(system().search().forResource(Observation.class)
                .where(Observation.PATIENT.hasId(P2)).count(1).returnBundle(Bundle.class).execute()).get(0)
                .getIdPart();
        // read
        assertThatThrownBy(() -> p1.read().resource(Observation.class).withId(otherObservation).execute())
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> p1.read().resource(Patient.class).withId(P2).execute())
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> p1.read().resource(Device.class).withId("ble-" + Ava4Fleet.cuffMac(1)).execute())
                .isInstanceOf(ResourceNotFoundException.class);
        valid(p1.read().resource(Device.class).withId(CUFF1).execute());
        // search: another patient's data is not found, one's own is
        assertThat(matches(valid(p1.search().forResource(Observation.class).where(Observation.PATIENT.hasId(P2))
                .returnBundle(Bundle.class).execute()))).isEmpty();
        List<Resource> own = all(p1, p1.search().forResource(Observation.class)
                .where(Observation.CODE.exactly().systemAndCode(LOINC, BP)).count(5).returnBundle(Bundle.class)
                .execute());
        assertThat(own).hasSize(PER_DEVICE).allSatisfy(r -> assertThat(((Observation) r).getSubject().getReference())
                .isEqualTo("Patient/" + P1));
        // includes: only the compartment's Patient and Devices
        Bundle withIncludes = valid(p1.search().forResource(Observation.class).include(Observation.INCLUDE_PATIENT)
                .include(Observation.INCLUDE_DEVICE).count(50).returnBundle(Bundle.class).execute());
        assertThat(included(withIncludes)).containsExactlyInAnyOrder("Patient/" + P1, "Device/" + CUFF1);
        // $lastn: the other patient's is empty, one's own is one's own
        assertThat(matches(valid(p1.operation().onType(Observation.class).named("$lastn")
                .withSearchParameter(Parameters.class, "patient", new ReferenceParam(P2)).useHttpGet()
                .returnResourceType(Bundle.class).execute()))).isEmpty();
        assertThat(matches(valid(p1.operation().onType(Observation.class).named("$lastn")
                .withNoParameters(Parameters.class).useHttpGet().returnResourceType(Bundle.class).execute())))
                .hasSize(2).allSatisfy(r -> assertThat(((Observation) r).getSubject().getReference())
                        .isEqualTo("Patient/" + P1));
    }

    @Test
    @Order(99)
    void givenCapabilityStatement_whenComparedWithWhatWasExercised_thenTheyMatch() {
        CapabilityStatement cs = valid(system().capabilities().ofType(CapabilityStatement.class).execute());
        Map<String, Map<String, Set<String>>> declared = new TreeMap<>();
        for (var resource : cs.getRestFirstRep().getResource()) {
            Map<String, Set<String>> d = new TreeMap<>();
            resource.getInteraction().forEach(i -> d.computeIfAbsent("interaction", k -> new TreeSet<>())
                    .add(i.getCode().toCode()));
            resource.getSearchParam().forEach(p -> d.computeIfAbsent("param", k -> new TreeSet<>()).add(p.getName()));
            resource.getSearchInclude().forEach(i -> d.computeIfAbsent("include", k -> new TreeSet<>())
                    .add(i.getValue()));
            resource.getOperation().forEach(o -> d.computeIfAbsent("operation", k -> new TreeSet<>())
                    .add(o.getName()));
            declared.put(resource.getType(), d);
        }
        assertThat(EXERCISED).isEqualTo(declared);
    }

    /** Records what each successful request exercised, from the URL the client sent. */
    private static final class Recorder implements IClientInterceptor {

        private static final Set<String> NOT_DECLARED = Set.of("_format", "_pretty", "_cursor");
        private String uri;

        @Override
        public void interceptRequest(IHttpRequest request) {
            uri = request.getUri();
        }

        @Override
        public void interceptResponse(IHttpResponse response) {
            if (response.getStatus() / 100 != 2 || uri == null) {
                return;
            }
            URI u = URI.create(uri);
            String path = u.getPath().substring(u.getPath().indexOf("/fhir/") + "/fhir/".length());
            String[] segments = path.split("/");
            if (segments[0].equals("metadata")) {
                return;
            }
            synchronized (EXERCISED) {
                Map<String, Set<String>> type = EXERCISED.computeIfAbsent(segments[0], k -> new TreeMap<>());
                if (segments.length > 1 && segments[1].startsWith("$")) {
                    type.computeIfAbsent("operation", k -> new TreeSet<>()).add(segments[1].substring(1));
                    return;
                }
                if (segments.length > 1) {
                    type.computeIfAbsent("interaction", k -> new TreeSet<>()).add("read");
                    return;
                }
                type.computeIfAbsent("interaction", k -> new TreeSet<>()).add("search-type");
                if (u.getRawQuery() == null) {
                    return;
                }
                for (String pair : u.getRawQuery().split("&")) {
                    String name = URLDecoder.decode(pair.substring(0, Math.max(0, pair.indexOf('='))),
                            StandardCharsets.UTF_8);
                    String value = URLDecoder.decode(pair.substring(pair.indexOf('=') + 1), StandardCharsets.UTF_8);
                    String base = name.contains(":") ? name.substring(0, name.indexOf(':')) : name;
                    if (base.equals("_include")) {
                        type.computeIfAbsent("include", k -> new TreeSet<>()).add(value);
                    } else if (!NOT_DECLARED.contains(base) && !base.isEmpty()) {
                        type.computeIfAbsent("param", k -> new TreeSet<>()).add(base);
                    }
                }
            }
        }
    }
}
