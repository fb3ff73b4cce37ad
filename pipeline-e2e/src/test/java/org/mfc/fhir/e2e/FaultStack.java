package org.mfc.fhir.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.mfc.fhir.bench.Ava4Fleet;
import org.mfc.fhir.core.testing.TestJwt;
import org.mfc.fhir.infra.ChildProcess;
import org.mfc.fhir.infra.FreePorts;
import org.mfc.fhir.infra.MqttInfra;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;

/**
 * The whole pipeline as separate processes, each of which a fault run can kill or stop and restart: a Kafka
 * broker (child JVM, log kept across restarts), a file-backed MongoDB wire server (child JVM), one or more packaged
 * workers and the packaged ingest API. Loopback only.
 */
final class FaultStack implements AutoCloseable {

    static final String TOPIC = "fhir.readings.faults";
    static final String GROUP = "fhir-parser-worker-faults";
    static final String MAIN_DB = "AMY";
    static final String FHIR_DB = "MFC_FHIR_R5";

    final ChildProcess kafka;
    final ChildProcess mongo;
    /** The proxies the services reach Kafka and MongoDB through, or {@code null} when they connect directly. */
    ProxiedLink kafkaLink;
    ProxiedLink mongoLink;
    final List<ServiceProcess> workers = new ArrayList<>();
    ServiceProcess ingest;
    /** The devices' MQTT broker, or {@code null} when the ingest API takes HTTP only. */
    ChildProcess mqtt;
    /** A second ingest API sharing the MQTT subscription with {@link #ingest}, or {@code null}. */
    ServiceProcess secondIngest;
    final Ava4Fleet fleet;
    private final Path dir;
    private final Map<String, String> env;

    private FaultStack(Path dir, ChildProcess kafka, ChildProcess mongo, Ava4Fleet fleet, Map<String, String> env) {
        this.dir = dir;
        this.kafka = kafka;
        this.mongo = mongo;
        this.fleet = fleet;
        this.env = env;
    }

    /**
     * @param extraEnv settings for both services (e.g. shorter publish timeouts for fault runs)
     */
    static FaultStack start(Path dir, int workerCount, Ava4Fleet fleet, Map<String, String> extraEnv)
            throws Exception {
        return start(dir, workerCount, fleet, extraEnv, false, null);
    }

    /**
     * As {@link #start(Path, int, Ava4Fleet, Map)}, with an in-memory MongoDB child of heap {@code mongoHeap}
     * instead of the file-backed one: for runs that never restart MongoDB and store more than the file store
     * handles at speed (the backlog run).
     */
    static FaultStack startWithInMemoryMongo(Path dir, int workerCount, Ava4Fleet fleet, Map<String, String> extraEnv,
            String mongoHeap) throws Exception {
        return start(dir, workerCount, fleet, extraEnv, false, mongoHeap);
    }

    /**
     * As {@link #start(Path, int, Ava4Fleet, Map)}, with the services reaching Kafka and MongoDB through TCP proxies
     * ({@link #kafkaLink}, {@link #mongoLink}). The broker advertises the proxy's port, so every Kafka connection of
     * the services (not only the bootstrap one) goes through it. The test's own clients connect directly.
     */
    static FaultStack startBehindProxies(Path dir, int workerCount, Ava4Fleet fleet, Map<String, String> extraEnv)
            throws Exception {
        return start(dir, workerCount, fleet, extraEnv, true, null);
    }

    /**
     * As {@link #start(Path, int, Ava4Fleet, Map)}, with the devices' MQTT broker (the packaged mqtt-broker with the
     * shipped access file) and {@code ingestCount} ingest APIs (1 or 2) subscribed to it in one share group, each
     * with its own client id (and so its own persistent session, resumed when it is restarted).
     */
    static FaultStack startWithMqtt(Path dir, int ingestCount, Ava4Fleet fleet, Map<String, String> extraEnv)
            throws Exception {
        ChildProcess broker = MqttInfra.brokerIn(dir.resolve("mqtt")).start();
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("MQTT_ENABLED", "true");
        env.put("MQTT_HOST", "127.0.0.1");
        env.put("MQTT_PORT", Integer.toString(MqttInfra.portOf(broker)));
        env.put("MQTT_PASSWORD", MqttInfra.password(MqttInfra.INGEST));
        env.put("MQTT_CLIENT_ID", "ingest-api-1");
        // The fleet's 50 boxes each send RATE/50 readings per second; long runs go well above the default 5/s.
        env.put("MQTT_DEVICE_RATE_PER_SECOND", "1000");
        FaultStack stack;
        try {
            stack = start(dir, 1, fleet, env, false, null);
        } catch (Exception | Error e) {
            broker.close();
            throw e;
        }
        stack.mqtt = broker;
        if (ingestCount > 1) {
            stack.secondIngest = stack.startService("ingest-api", "INGEST_HTTP_PORT",
                    Map.of("MQTT_CLIENT_ID", "ingest-api-2"));
        }
        return stack;
    }

    /** {@code inMemoryMongoHeap}: null for the file-backed MongoDB child, else the in-memory one's heap. */
    private static FaultStack start(Path dir, int workerCount, Ava4Fleet fleet, Map<String, String> extraEnv,
            boolean proxied, String inMemoryMongoHeap) throws Exception {
        ProxiedLink kafkaLink = null;
        ProxiedLink mongoLink = null;
        ChildProcess kafka;
        ChildProcess mongo;
        String kafkaAddress;
        String mongoAddress;
        if (proxied) {
            int[] ports = FreePorts.orFree(0, 0);
            int brokerPort = ports[0];
            kafkaLink = ProxiedLink.open("kafka", ports[1], brokerPort);
            kafka = ChildProcess.kafkaBroker(dir.resolve("kafka"), brokerPort, kafkaLink.port()).start();
            mongo = ChildProcess.mongoServer(dir.resolve("mongo")).start();
            mongoLink = ProxiedLink.open("mongo", FreePorts.pick(), URI.create(mongo.address()).getPort());
            kafkaAddress = "127.0.0.1:" + kafkaLink.port();
            mongoAddress = "mongodb://127.0.0.1:" + mongoLink.port();
        } else {
            kafka = ChildProcess.kafkaBroker(dir.resolve("kafka")).start();
            mongo = (inMemoryMongoHeap == null ? ChildProcess.mongoServer(dir.resolve("mongo"))
                    : ChildProcess.mongoServerInMemory(dir.resolve("mongo"), inMemoryMongoHeap)).start();
            kafkaAddress = kafka.address();
            mongoAddress = mongo.address();
        }
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafkaAddress,
                "MONGODB_URI", mongoAddress,
                "MONGODB_MAIN_DB", MAIN_DB,
                "MONGODB_FHIR_DB", FHIR_DB,
                "FHIR_QUEUE_NAME", TOPIC,
                "FHIR_CONSUMER_GROUP", GROUP));
        // Tokens are checked against the test key pair; one fleet client must not be rate limited.
        env.put("JWT_PUBLIC_KEY_LOCATION", TestJwt.shared().publicKeyPem().toAbsolutePath().toString());
        env.put("INGEST_RATE_LIMIT_PER_SECOND", "1000000");
        env.put("INGEST_RATE_LIMIT_BURST", "1000000");
        env.putAll(extraEnv);
        FaultStack stack = new FaultStack(dir, kafka, mongo, fleet, env);
        stack.kafkaLink = kafkaLink;
        stack.mongoLink = mongoLink;
        try (MongoClient client = MongoClients.create(mongo.address())) {
            fleet.seed(client.getDatabase(MAIN_DB));
        }
        try (Admin admin = stack.admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 4, (short) 1))).all().get();
        }
        for (int i = 0; i < workerCount; i++) {
            stack.workers.add(stack.startService("fhir-parser-worker", "WORKER_HTTP_PORT"));
        }
        stack.ingest = stack.startService("ingest-api", "INGEST_HTTP_PORT");
        return stack;
    }

    ServiceProcess startService(String module, String portVariable) throws Exception {
        return startService(module, portVariable, Map.of());
    }

    ServiceProcess startService(String module, String portVariable, Map<String, String> overrides)
            throws Exception {
        int port = freePort();
        Map<String, String> serviceEnv = new HashMap<>(env);
        serviceEnv.putAll(overrides);
        serviceEnv.put(portVariable, Integer.toString(port));
        return ServiceProcess.start(module, port, serviceEnv, dir.resolve("logs"));
    }

    Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.address());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        return Admin.create(p);
    }

    /** Headers of a device fleet's requests: JSON and a write-scoped token for the whole fleet. */
    static Map<String, String> fleetHeaders() {
        return Map.of("Content-Type", "application/json", "Authorization", "Bearer " + TestJwt.shared().sign(
                TestJwt.shared().claims("fault-fleet", TestJwt.WRITE_SCOPE, null, java.time.Duration.ofHours(2))));
    }

    MongoClient mongoClient() {
        return MongoClients.create(mongo.address());
    }

    static MongoDatabase fhir(MongoClient client) {
        return client.getDatabase(FHIR_DB);
    }

    static MongoDatabase main(MongoClient client) {
        return client.getDatabase(MAIN_DB);
    }

    @Override
    public void close() {
        if (ingest != null) {
            ingest.close();
        }
        if (secondIngest != null) {
            secondIngest.close();
        }
        if (mqtt != null) {
            mqtt.close();
        }
        workers.forEach(ServiceProcess::close);
        kafka.close();
        mongo.close();
        if (kafkaLink != null) {
            kafkaLink.close();
        }
        if (mongoLink != null) {
            mongoLink.close();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
