package org.mfc.fhir.ingest.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.parameters.RequestBody;
import org.mfc.fhir.core.json.Json;

import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * Adds a sample payload per device family to each POST endpoint of the OpenAPI document. The samples are the test
 * fixtures ({@code pipeline-test-support/src/main/resources/payloads}), so every example shown in Swagger UI is a
 * payload a test posts. The filter runs while the application is built: the examples are baked into the generated
 * document and the fixtures themselves never ship in the jar. The build names their directory with the system property
 * {@value #EXAMPLES_DIR} (ingest-api/pom.xml); a test build finds them on its class path (the test support).
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.BUILD)
public class OpenApiExamples implements OASFilter {

    static final String EXAMPLES_DIR = "mfc.openapi.examples-dir";

    /** operationId to fixture paths under {@code payloads/}. */
    static final Map<String, List<String>> EXAMPLES = Map.of(
            "postAva4", List.of("ava4/bp_biolight.json"),
            "postKati", List.of("kati/vitalsign_full.json", "kati/ap55_batch.json", "kati/hb_steps.json",
                    "kati/sleepdata_night.json", "kati/location_gps_numbers.json", "kati/sos.json",
                    "kati/fall_down.json", "kati/online_trigger.json"),
            "postQubeVital", List.of("qube-vital/bp_wbp_jumper.json", "qube-vital/glucose_contour.json",
                    "qube-vital/heartbeat.json"),
            "postGenericAva4", List.of("generic/ava4_blood_pressure.json", "generic/ava4_blood_sugar_lower_case.json"),
            "postGenericKati", List.of("generic/kati_steps.json", "generic/kati_sleep.json"),
            "postGenericQubeVital", List.of("generic/qube_vital_blood_pressure.json"));

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().values().forEach(item -> {
            Operation post = item.getPOST();
            if (post != null && EXAMPLES.containsKey(post.getOperationId())) {
                addExamples(post, EXAMPLES.get(post.getOperationId()));
            }
        });
    }

    private static void addExamples(Operation post, List<String> fixtures) {
        RequestBody body = post.getRequestBody();
        if (body == null) {
            body = OASFactory.createRequestBody().required(true);
            post.setRequestBody(body);
        }
        if (body.getContent() == null) {
            body.setContent(OASFactory.createContent());
        }
        MediaType json = body.getContent().getMediaType(jakarta.ws.rs.core.MediaType.APPLICATION_JSON);
        if (json == null) {
            json = OASFactory.createMediaType();
            body.getContent().addMediaType(jakarta.ws.rs.core.MediaType.APPLICATION_JSON, json);
        }
        for (String fixture : fixtures) {
            String name = fixture.substring(fixture.indexOf('/') + 1, fixture.lastIndexOf('.'));
            json.addExample(name, OASFactory.createExample().summary(fixture).value(load(fixture)));
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> load(String fixture) {
        String dir = System.getProperty(EXAMPLES_DIR);
        try (InputStream in = dir != null ? Files.newInputStream(Path.of(dir, fixture))
                : OpenApiExamples.class.getResourceAsStream("/payloads/" + fixture)) {
            if (in == null) {
                throw new IllegalStateException("OpenAPI example payloads/" + fixture + " not found: set "
                        + EXAMPLES_DIR + " to the fixtures directory");
            }
            return Json.mapper().readValue(in, LinkedHashMap.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
