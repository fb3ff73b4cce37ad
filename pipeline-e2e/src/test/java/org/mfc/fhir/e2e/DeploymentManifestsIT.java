package org.mfc.fhir.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.testing.LegacyRegistry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * What the deployment files (Kubernetes manifests under deploy/, the compose file, the Dockerfiles) tell the services
 * must exist in the services: every environment variable they set for a pipeline container is a documented setting
 * (README, "Configuration"), and every probe and health check path answers on the port it names, checked against the
 * packaged services running here.
 */
class DeploymentManifestsIT {

    private static final Path ROOT = ServiceProcess.repoRoot();
    private static final ObjectMapper YAML = new YAMLMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The pipeline's containers in the manifests and the compose file, by the module whose settings they take. */
    private static final Map<String, String> MODULES = Map.of("ingest-api", "ingest-api", "fhir-parser-worker",
            "fhir-parser-worker", "fhir-migrator", "fhir-migrator", "kafka-topics", "kafka-topics", "kafka-init",
            "kafka-topics", "mqtt-broker", "mqtt-broker", "fhir-api", "fhir-api");

    private static PackagedPipeline pipeline;
    private static ServiceProcess fhirApi;

    @BeforeAll
    static void start() throws Exception {
        pipeline = PackagedPipeline.start(new PackagedPipeline.Settings("AMY_E2E_DEPLOY", "MFC_FHIR_R5_E2E_DEPLOY",
                "fhir.readings.e2e-deploy", "fhir-parser-worker-e2e-deploy",
                // As the Kubernetes manifests run them: JSON log lines (deploy/base/config.env).
                List.of(new NewTopic("fhir.readings.e2e-deploy", 1, (short) 1)), Map.of("LOG_JSON", "true"),
                LegacyRegistry::seedBloodPressurePatient));
        fhirApi = pipeline.startService("fhir-api", "FHIR_API_HTTP_PORT");
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void givenDeploymentFiles_whenTheirEnvironmentIsRead_thenEveryVariableIsADocumentedSetting() throws IOException {
        Set<String> documented = documentedVariables();
        assertThat(documented).as("README configuration table").contains("KAFKA_BOOTSTRAP_SERVERS", "MONGODB_URI");
        Map<String, Set<String>> set = new LinkedHashMap<>();
        for (Path file : deployFiles()) {
            String name = file.getFileName().toString();
            if (name.endsWith(".env")) {
                for (String line : Files.readAllLines(file)) {
                    if (!line.isBlank() && !line.startsWith("#")) {
                        add(set, ROOT.relativize(file).toString(), line.substring(0, line.indexOf('=')));
                    }
                }
            } else if (name.endsWith(".yaml")) {
                for (JsonNode doc : documents(file)) {
                    collect(ROOT.relativize(file).toString(), doc, set);
                }
            }
        }
        JsonNode compose = YAML.readTree(ROOT.resolve("docker-compose.fhir.yml").toFile());
        for (Iterator<Map.Entry<String, JsonNode>> services = compose.path("services").fields(); services.hasNext();) {
            Map.Entry<String, JsonNode> service = services.next();
            if (MODULES.containsKey(service.getKey())) {
                service.getValue().path("environment").fieldNames()
                        .forEachRemaining(v -> add(set, "docker-compose.fhir.yml " + service.getKey(), v));
            }
        }
        Set<String> all = new TreeSet<>();
        set.values().forEach(all::addAll);
        assertThat(all).as("variables set by the deployment files").contains("KAFKA_SECURITY_PROTOCOL",
                "KAFKA_SASL_JAAS_CONFIG", "MONGODB_PASSWORD", "INGEST_MANAGEMENT_PORT", "TOPIC_REPLICATION_FACTOR",
                "MQTT_ENABLED", "MQTT_HOST", "MQTT_PASSWORD", "MQTT_INGEST_PASSWORD", "MQTT_REJECTS_TOPIC",
                "FHIR_API_HTTP_PORT");
        for (Map.Entry<String, Set<String>> e : set.entrySet()) {
            assertThat(e.getValue()).as("variables %s sets that the README's configuration table lacks", e.getKey())
                    .isSubsetOf(documented);
        }
    }

    @Test
    void givenProbesAndHealthChecks_whenCalledOnThePackagedServices_thenEachPathAnswersOnItsPort() throws Exception {
        List<String> checked = new ArrayList<>();
        for (JsonNode doc : documents(ROOT.resolve("deploy/base/ingest-api.yaml"))) {
            checked.addAll(probes(doc, pipeline.ingest));
        }
        for (JsonNode doc : documents(ROOT.resolve("deploy/base/fhir-parser-worker.yaml"))) {
            checked.addAll(probes(doc, pipeline.worker));
        }
        assertThat(checked).as("probes checked").hasSize(6);
        // The read API has no management port: its probes name its HTTP port.
        List<String> readApi = new ArrayList<>();
        for (JsonNode doc : documents(ROOT.resolve("deploy/base/fhir-api.yaml"))) {
            if ("Deployment".equals(doc.path("kind").asText())) {
                JsonNode container = doc.at("/spec/template/spec/containers/0");
                for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                    JsonNode get = container.path(probe).path("httpGet");
                    assertThat(get.path("port").asText()).as("fhir-api " + probe + " port").isEqualTo("http");
                    String path = get.path("path").asText();
                    assertThat(status(fhirApi.baseUrl() + path)).as("fhir-api " + probe + " " + path).isEqualTo(200);
                    readApi.add(probe + " " + path);
                }
            }
        }
        assertThat(readApi).as("fhir-api probes checked").hasSize(3);

        Pattern url = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)(/[\\w/.-]+)");
        JsonNode compose = YAML.readTree(ROOT.resolve("docker-compose.fhir.yml").toFile());
        for (String module : List.of("ingest-api", "fhir-parser-worker")) {
            ServiceProcess service = module.equals("ingest-api") ? pipeline.ingest : pipeline.worker;
            String defaultPort = defaultManagementPort(module);
            List<String> checks = new ArrayList<>();
            checks.add(compose.path("services").path(module).path("healthcheck").path("test").toString());
            checks.add(Files.readString(ROOT.resolve(module + "/src/main/docker/Dockerfile")));
            for (String check : checks) {
                Matcher m = url.matcher(check);
                assertThat(m.find()).as("a health check URL of %s in %s", module, check).isTrue();
                assertThat(m.group(1)).as("%s health check port", module).isEqualTo(defaultPort);
                assertThat(status(service.managementUrl() + m.group(2))).as(module + " " + m.group(2)).isEqualTo(200);
            }
        }
    }

    @Test
    void givenLogJson_whenTheServicesLog_thenEveryLineIsAJsonObjectWithLevelAndMessage() throws IOException {
        ObjectMapper json = new ObjectMapper();
        for (ServiceProcess service : List.of(pipeline.ingest, pipeline.worker, fhirApi)) {
            List<String> lines = Files.readAllLines(service.log()).stream().filter(l -> !l.isBlank()).toList();
            assertThat(lines).as(service.log() + " lines").isNotEmpty();
            for (String line : lines) {
                JsonNode entry = json.readTree(line);
                assertThat(entry.isObject()).as(line).isTrue();
                assertThat(entry.path("level").asText()).as(line).isNotEmpty();
                assertThat(entry.has("message")).as(line).isTrue();
            }
        }
    }

    /** Each probe of the Deployment: the named port must be the service's, and the path must answer 200 there. */
    private static List<String> probes(JsonNode doc, ServiceProcess service) throws Exception {
        List<String> checked = new ArrayList<>();
        if (!"Deployment".equals(doc.path("kind").asText())) {
            return checked;
        }
        JsonNode container = doc.at("/spec/template/spec/containers/0");
        Map<String, Integer> ports = new LinkedHashMap<>();
        container.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
        Map<String, String> env = new LinkedHashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            JsonNode get = container.path(probe).path("httpGet");
            assertThat(get.isMissingNode()).as(probe).isFalse();
            String port = get.path("port").asText();
            assertThat(port).as(probe + " port").isEqualTo("management");
            // The manifest's management port is the one it gives the service through the environment.
            assertThat(env.values()).as(probe + ": the management port variable").contains(
                    String.valueOf(ports.get("management")));
            String path = get.path("path").asText();
            assertThat(status(service.managementUrl() + path)).as(probe + " " + path).isEqualTo(200);
            assertThat(status(service.baseUrl() + path)).as(path + " is not on the API port").isEqualTo(404);
            checked.add(probe + " " + path);
        }
        return checked;
    }

    private static String defaultManagementPort(String module) throws IOException {
        Matcher m = Pattern.compile("quarkus\\.management\\.port=\\$\\{\\w+:(\\d+)}").matcher(
                Files.readString(ROOT.resolve(module + "/src/main/resources/application.properties")));
        assertThat(m.find()).as(module + " management port").isTrue();
        return m.group(1);
    }

    private static int status(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /**
     * The variables named in the first column of the README's configuration table: one per row, or several that
     * belong together ({@code `MQTT_HOST`, `MQTT_PORT`}), optionally after {@code broker:} (the MQTT broker's own).
     */
    private static Set<String> documentedVariables() throws IOException {
        Set<String> vars = new TreeSet<>();
        Pattern row = Pattern.compile("^\\| (?:broker: )?(`[A-Z][A-Z0-9_]*`(?:, `[A-Z][A-Z0-9_]*`)*) \\|");
        Pattern name = Pattern.compile("`([A-Z][A-Z0-9_]*)`");
        for (String line : Files.readAllLines(ROOT.resolve("README.md"))) {
            Matcher m = row.matcher(line);
            if (m.find()) {
                Matcher n = name.matcher(m.group(1));
                while (n.find()) {
                    vars.add(n.group(1));
                }
            }
        }
        return vars;
    }

    private static List<Path> deployFiles() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT.resolve("deploy"))) {
            return files.filter(Files::isRegularFile).filter(f -> !f.toString().contains("node_modules"))
                    .filter(f -> !f.startsWith(ROOT.resolve("deploy/monitoring"))).sorted().toList();
        }
    }

    private static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(file.toFile())) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(docs::add);
        }
        return docs;
    }

    /** Variables a manifest, kustomization or JSON patch sets for a pipeline container. */
    private static void collect(String file, JsonNode doc, Map<String, Set<String>> set) {
        if (doc.isArray()) {
            // A JSON patch: values added to a container's env.
            for (JsonNode op : doc) {
                if (op.path("path").asText().contains("/env")) {
                    JsonNode value = op.path("value");
                    (value.isArray() ? value : YAML.createArrayNode().add(value))
                            .forEach(e -> add(set, file, e.path("name").asText()));
                }
            }
            return;
        }
        if ("Kustomization".equals(doc.path("kind").asText())) {
            for (JsonNode generator : doc.path("configMapGenerator")) {
                if (generator.path("name").asText().startsWith("mfc-fhir-")) {
                    generator.path("literals").forEach(l -> add(set, file, l.asText().substring(0,
                            l.asText().indexOf('='))));
                }
            }
            return;
        }
        for (JsonNode container : doc.at("/spec/template/spec/containers")) {
            String image = container.path("image").asText();
            if (image.startsWith("mfc/") || MODULES.containsKey(container.path("name").asText())) {
                container.path("env").forEach(e -> add(set, file, e.path("name").asText()));
            }
        }
    }

    private static void add(Map<String, Set<String>> set, String file, String variable) {
        set.computeIfAbsent(file, f -> new LinkedHashSet<>()).add(variable);
    }
}
