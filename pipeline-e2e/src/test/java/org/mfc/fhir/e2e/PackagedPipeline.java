package org.mfc.fhir.e2e;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.mfc.fhir.core.testing.TestJwt;
import org.mfc.fhir.infra.PipelineInfra;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;

/**
 * The packaged worker and ingest API as child processes on the shared infrastructure ({@link PipelineInfra}: the
 * embedded broker and Mongo wire server, or containers), each test class with its own topic, consumer group and
 * databases so classes do not see each other's data. Unlike {@link FaultStack} nothing here is meant to be broken:
 * it is the fixture of the end-to-end checks of behaviour.
 */
final class PackagedPipeline implements AutoCloseable {

    final PipelineInfra infra;
    final MongoClient mongo;
    final MongoDatabase main;
    final MongoDatabase fhir;
    final ServiceProcess worker;
    final ServiceProcess ingest;
    private final Map<String, String> env;
    private final List<ServiceProcess> others = new java.util.ArrayList<>();

    private PackagedPipeline(PipelineInfra infra, MongoClient mongo, MongoDatabase main, MongoDatabase fhir,
            ServiceProcess worker, ServiceProcess ingest, Map<String, String> env) {
        this.infra = infra;
        this.mongo = mongo;
        this.main = main;
        this.fhir = fhir;
        this.worker = worker;
        this.ingest = ingest;
        this.env = env;
    }

    /**
     * Starts another packaged service ({@code fhir-api}) with the same environment on a free port, set through
     * {@code portVariable}; closed with the pipeline.
     */
    ServiceProcess startService(String module, String portVariable) throws Exception {
        int port = FaultStack.freePort();
        ServiceProcess service = ServiceProcess.start(module, port, with(env, portVariable, port),
                Path.of("target", "service-logs"));
        others.add(service);
        return service;
    }

    /** What a test class runs the services with. */
    record Settings(String mainDb, String fhirDb, String topic, String group, List<NewTopic> topics,
            Map<String, String> extraEnv, Consumer<MongoDatabase> seedMain) {
    }

    /**
     * Seeds the legacy registry, creates the topics, then starts the worker and the ingest API (in that order, each
     * awaited until ready) with their logs in {@code target/service-logs}.
     */
    static PackagedPipeline start(Settings settings) throws Exception {
        PipelineInfra infra = PipelineInfra.shared();
        MongoClient mongo = MongoClients.create(infra.mongoConnectionString());
        MongoDatabase main = mongo.getDatabase(settings.mainDb());
        settings.seedMain().accept(main);
        try (Admin admin = admin(infra)) {
            admin.createTopics(settings.topics()).all().get();
        }
        Map<String, String> env = new HashMap<>(Map.of(
                // The API verifies bearer tokens against this run's generated public key.
                "JWT_PUBLIC_KEY_LOCATION", TestJwt.shared().publicKeyPem().toAbsolutePath().toString(),
                "KAFKA_BOOTSTRAP_SERVERS", infra.kafkaBootstrapServers(),
                "MONGODB_URI", infra.mongoConnectionString(),
                "MONGODB_MAIN_DB", settings.mainDb(),
                "MONGODB_FHIR_DB", settings.fhirDb(),
                "FHIR_QUEUE_NAME", settings.topic(),
                "FHIR_CONSUMER_GROUP", settings.group()));
        env.putAll(settings.extraEnv());
        Path logs = Path.of("target", "service-logs");
        ServiceProcess worker = null;
        try {
            int workerPort = FaultStack.freePort();
            worker = ServiceProcess.start("fhir-parser-worker", workerPort, with(env, "WORKER_HTTP_PORT", workerPort),
                    logs);
            int ingestPort = FaultStack.freePort();
            ServiceProcess ingest = ServiceProcess.start("ingest-api", ingestPort,
                    with(env, "INGEST_HTTP_PORT", ingestPort), logs);
            return new PackagedPipeline(infra, mongo, main, mongo.getDatabase(settings.fhirDb()), worker, ingest, env);
        } catch (Exception | Error e) {
            if (worker != null) {
                worker.close();
            }
            mongo.close();
            throw e;
        }
    }

    /** An admin client on the shared broker; the caller closes it. */
    Admin admin() {
        return admin(infra);
    }

    private static Admin admin(PipelineInfra infra) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrapServers());
        return Admin.create(p);
    }

    private static Map<String, String> with(Map<String, String> env, String portVariable, int port) {
        Map<String, String> out = new HashMap<>(env);
        out.put(portVariable, Integer.toString(port));
        return out;
    }

    @Override
    public void close() {
        others.forEach(ServiceProcess::close);
        ingest.close();
        worker.close();
        mongo.close();
    }
}
