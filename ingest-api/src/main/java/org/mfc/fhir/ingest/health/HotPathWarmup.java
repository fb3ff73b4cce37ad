package org.mfc.fhir.ingest.health;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.bson.Document;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;
import org.mfc.fhir.core.host.JitQuiet;
import org.mfc.fhir.core.host.PipelineConfig;
import org.mfc.fhir.core.host.WarmupStep;
import org.mfc.fhir.core.host.auth.Scopes;
import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.legacy.LegacyNames;
import org.mfc.fhir.core.process.Pipeline;
import org.mfc.fhir.core.process.RehearsalSamples;
import org.mfc.fhir.ingest.config.IngestConfig;
import org.mfc.fhir.ingest.publish.ProducerConnection;
import org.mfc.fhir.ingest.publish.ReadingPublisher;
import org.mfc.fhir.ingest.security.Caller;
import org.mfc.fhir.ingest.security.RateLimiter;
import org.mfc.fhir.ingest.service.IngestResult;
import org.mfc.fhir.ingest.service.IngestService;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.LaunchMode;
import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Ready means fast: the instance reports ready only once its hot path is warm, so a load balancer never sends devices
 * to a JVM that would answer its first thousands of requests from the interpreter. At start, on its own thread, it
 * fetches the readings producer's metadata (which opens the broker connection), opens a MongoDB connection, then
 * rehearses the request path until the JIT has compiled it: bearer-token verification (the real verifier, with a key
 * pair made for the rehearsal and dropped after it, never trusted by the API), the rate limiter, parsing and
 * validation of a sample of every family, the Kafka record and answer encodings, the publish path (to the rehearsal
 * topic), the synchronous path's mapping, and the HTTP server. Nothing is published to the readings topic or stored.
 * A step whose server is away is skipped after its own bound: the rehearsal never keeps an instance that can store
 * readings from becoming ready.
 */
@Readiness
@ApplicationScoped
public class HotPathWarmup implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(HotPathWarmup.class);
    /** Rehearsal records sent and not yet acknowledged, at most. */
    private static final int REHEARSAL_IN_FLIGHT = 256;
    /** Requests the HTTP step keeps in flight at once, each on a connection of its own. */
    private static final int HTTP_CONNECTIONS = 16;

    @Inject
    IngestConfig config;

    @Inject
    PipelineConfig pipelineConfig;

    @Inject
    IngestService ingest;

    @Inject
    Pipeline pipeline;

    @Inject
    KafkaClientService kafka;

    @Inject
    MongoClient mongo;

    @Inject
    ObjectMapper json;

    @Inject
    JWTAuthContextInfo authContext;

    @Inject
    ReadingPublisher publisher;

    /** The token the rehearsal verified: signed by its own key pair, which the API never trusts. */
    private volatile String rehearsalToken;

    private volatile boolean done;
    private volatile String summary = "not started";
    @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080")
    int httpPort;

    void onStart(@Observes StartupEvent event) {
        if (config.warmUpRequests() <= 0) {
            done = true;
            summary = "off";
            return;
        }
        Thread t = new Thread(this::warmUp, "hot-path-warm-up");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("hot-path-warm").status(done).withData("warm-up", summary).build();
    }

    private void warmUp() {
        long start = System.nanoTime();
        long deadline = start + config.warmUpMaxTime().toNanos();
        StringBuilder s = new StringBuilder();
        try {
            s.append("producer ").append(WarmupStep.timed(this::producerMetadata));
            s.append(", database ").append(WarmupStep.timed(this::databaseConnection));
            s.append(", tokens ").append(WarmupStep.timed(() -> tokens(config.warmUpRequests() / 20, deadline)));
            s.append(", requests ").append(WarmupStep.timed(() -> requests(config.warmUpRequests(), deadline)));
            s.append(", publish ").append(WarmupStep.timed(() -> publish(config.warmUpRequests() / 2, deadline)));
            s.append(", http ").append(WarmupStep.timed(() -> http(config.warmUpRequests() / 20, deadline)));
            s.append(", synchronous path ")
                    .append(WarmupStep.timed(() -> mapping(config.warmUpRequests() / 20, deadline)));
            s.append(", compiler ").append(WarmupStep.timed(() -> JitQuiet.await(deadline)));
        } catch (RuntimeException | Error e) {
            s.append(" (stopped: ").append(e.getClass().getSimpleName()).append(')');
        } finally {
            summary = s + String.format(", %d ms in all", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            done = true;
            LOG.infof("request path warmed up before reporting ready: %s", summary);
        }
    }


    /** Topic metadata: the producer connects to the broker and learns the partitions before the first request. */
    private String producerMetadata() {
        if (!config.asyncEnabled()) {
            return "off (async disabled)";
        }
        int partitions = kafka.getProducer(ProducerConnection.CHANNEL).partitionsFor(config.topic()).await()
                .atMost(Duration.ofSeconds(10)).size();
        return partitions + " partitions";
    }

    /** A pooled connection and the driver's encode and decode paths, by reading one registry document. */
    private String databaseConnection() {
        mongo.getDatabase(pipelineConfig.mainDb()).runCommand(new Document("ping", 1));
        mongo.getDatabase(pipelineConfig.mainDb()).getCollection(LegacyNames.AMY_DEVICES).find().limit(1).first();
        return "connected";
    }

    /**
     * The verifier the API uses (signature, issuer, audience, expiry, claims), over a token signed with a key pair
     * made for this rehearsal: the API itself never trusts that key, it is used here and forgotten.
     */
    private String tokens(int count, long deadline) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        JWTAuthContextInfo context = new JWTAuthContextInfo(authContext);
        context.setPublicKeyLocation(null);
        context.setPublicKeyContent(null);
        context.setPublicVerificationKey(pair.getPublic());
        String token = rehearsalToken(pair, context);
        rehearsalToken = token;
        DefaultJWTCallerPrincipalFactory verifier = new DefaultJWTCallerPrincipalFactory();
        int n = 0;
        while (n < count && System.nanoTime() < deadline) {
            // The caller a request's handler derives from its verified token.
            Caller.of(verifier.parse(token, context));
            n++;
        }
        return n + " verified";
    }

    private static String rehearsalToken(KeyPair pair, JWTAuthContextInfo context) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long now = Instant.now().getEpochSecond();
        Set<String> audiences = context.getExpectedAudience();
        String claims = "{\"iss\":\"" + context.getIssuedBy() + "\",\"aud\":\""
                + (audiences == null || audiences.isEmpty() ? "rehearsal" : audiences.iterator().next())
                + "\",\"sub\":\"rehearsal\",\"iat\":" + now + ",\"exp\":" + (now + 600) + ",\"scope\":\""
                + Scopes.OBSERVATION_WRITE + "\"}";
        String signingInput = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
                + "." + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(pair.getPrivate());
        rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + b64.encodeToString(rsa.sign());
    }

    /** Parse, bounds, validation, device binding, record and answer encoding for each sample; nothing published. */
    private String requests(int count, long deadline) throws Exception {
        List<RehearsalSamples.Sample> samples = RehearsalSamples.messages();
        // Fleet-wide, as a trusted bridge: the samples name devices no token is bound to.
        Caller caller = new Caller("rehearsal", null, true);
        // A limiter of the API's kind, of the rehearsal's own: the devices' buckets are not touched.
        RateLimiter limiter = new RateLimiter(1e9, Integer.MAX_VALUE);
        int n = 0;
        while (n < count && System.nanoTime() < deadline) {
            limiter.acquire(caller.subject());
            RehearsalSamples.Sample sample = samples.get(n % samples.size());
            IngestResult answer = ingest.rehearse(sample.family(), sample.topic(),
                    sample.body().getBytes(StandardCharsets.UTF_8), caller);
            json.writeValueAsBytes(answer);
            n++;
        }
        return n + " messages";
    }

    /**
     * The readings' publish path (the publishing circuit, the emitter, the Kafka sink, then the producer's record
     * accumulation and batching, the produce request and the acknowledgement) over the samples' records, sent by
     * {@link ReadingPublisher#rehearse} through that very channel and producer to the rehearsal topic: never the
     * readings topic, and nothing reads it. Without this the first minute of device traffic compiled the Kafka
     * client's largest methods while requests queued. At most {@link #REHEARSAL_IN_FLIGHT} records are
     * unacknowledged at once; the first failure ends the step (a missing topic on a broker that does not create
     * topics costs one {@code max.block.ms}).
     */
    private String publish(int count, long deadline) throws Exception {
        String topic = config.warmUpTopic().map(String::strip).orElse("");
        if (!config.asyncEnabled() || topic.isEmpty()) {
            return "off";
        }
        if (topic.equals(config.topic())) {
            return "skipped (INGEST_WARMUP_TOPIC names the readings topic)";
        }
        List<List<IngestRecord>> records = new ArrayList<>();
        for (IngestRecord r : RehearsalSamples.records(Instant.now())) {
            records.add(List.of(r));
        }
        Semaphore window = new Semaphore(REHEARSAL_IN_FLIGHT);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int n = 0;
        while (n < count && failure.get() == null
                && window.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            publisher.rehearse(records.get(n % records.size()), topic).whenComplete((acked, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                }
                window.release();
            });
            n++;
        }
        boolean acknowledged = window.tryAcquire(REHEARSAL_IN_FLIGHT,
                Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        Throwable e = failure.get();
        return n + " records to " + topic + (e != null ? " (stopped: " + e.getClass().getSimpleName() + ")"
                : acknowledged ? "" : " (not all acknowledged in time)");
    }

    /** The synchronous path's mapping and encoding of every sample, without reading or writing anything. */
    private String mapping(int count, long deadline) {
        var records = RehearsalSamples.records(Instant.now());
        int n = 0;
        while (n < count && System.nanoTime() < deadline) {
            pipeline.processor().rehearse(records);
            n++;
        }
        return n * records.size() + " messages";
    }

    /**
     * The devices' HTTP server and router, on requests that read and write nothing, over
     * {@link #HTTP_CONNECTIONS} connections at once (a fresh instance takes many devices' connections in its first
     * second): {@code GET /health} (on the devices' port it is answered 404, the summary itself being on the
     * management port) and {@code POST /api/v1/ava4} with a device's body and the rehearsal's token, which the API
     * does not trust (401, after the bearer mechanism, the verified-token cache and the verifier ran on the server's
     * own threads).
     */
    private String http(int count, long deadline) throws Exception {
        // Tests listen on a random port of their own; every other launch on the configured one.
        int port = LaunchMode.current() == LaunchMode.TEST ? 0 : httpPort;
        if (port <= 0) {
            return "skipped (port unknown)";
        }
        // HTTP/1.1 as devices speak it (the client's default would try an upgrade to HTTP/2).
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(5)).build();
        HttpRequest.Builder post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/ava4"))
                .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(RehearsalSamples.messages().get(0).body()));
        String token = rehearsalToken;
        if (token != null) {
            post.header("Authorization", "Bearer " + token);
        }
        HttpRequest unauthorised = post.build();
        // Start-up observers run before the HTTP server listens: wait for it.
        while (System.nanoTime() < deadline) {
            try {
                client.send(get, HttpResponse.BodyHandlers.discarding());
                break;
            } catch (ConnectException e) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
        Semaphore window = new Semaphore(HTTP_CONNECTIONS);
        AtomicInteger answered = new AtomicInteger();
        int n = 0;
        while (n < count && window.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            client.sendAsync(n % 2 == 0 ? get : unauthorised, HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, e) -> {
                        if (e == null) {
                            answered.incrementAndGet();
                        }
                        window.release();
                    });
            n++;
        }
        window.tryAcquire(HTTP_CONNECTIONS, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        return answered.get() + " requests";
    }
}
