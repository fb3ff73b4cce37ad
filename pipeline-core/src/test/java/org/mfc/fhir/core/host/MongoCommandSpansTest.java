package org.mfc.fhir.core.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * MongoDB command spans over a real wire server and a real OpenTelemetry SDK: one client span per command, child of
 * the current span, named by command and collection, and no attribute carries what the command wrote.
 */
class MongoCommandSpansTest {

    private static final String CITIZEN_ID = "3100701443816";

    private static final List<SpanData> EXPORTED = new ArrayList<>();
    private static MongoServer server;
    private static OpenTelemetrySdk otel;
    private static MongoClient client;
    private static MongoDatabase db;
    private static Tracer tracer;

    @BeforeAll
    static void start() {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        SpanExporter collect = new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                synchronized (EXPORTED) {
                    EXPORTED.addAll(spans);
                }
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        };
        otel = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(collect)).build()).build();
        tracer = otel.getTracer("test");
        client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString("mongodb://127.0.0.1:" + address.getPort()))
                .addCommandListener(new MongoCommandSpans(otel)).build());
        db = client.getDatabase("SPANS");
    }

    @AfterAll
    static void stop() {
        client.close();
        server.shutdownNow();
        otel.close();
    }

    @BeforeEach
    void clear() {
        synchronized (EXPORTED) {
            EXPORTED.clear();
        }
    }

    @Test
    void aCommandInsideASpanIsItsChildNamedByCommandAndCollection() {
        Span batch = tracer.spanBuilder("batch").startSpan();
        try (Scope ignored = batch.makeCurrent()) {
            db.getCollection("patients").insertOne(new Document("id_card", CITIZEN_ID).append("first_name", "Somchai"));
        } finally {
            batch.end();
        }

        SpanData insert = only("insert patients");
        assertThat(insert.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(insert.getParentSpanId()).isEqualTo(batch.getSpanContext().getSpanId());
        assertThat(insert.getAttributes().get(AttributeKey.stringKey("db.collection.name"))).isEqualTo("patients");
        assertThat(insert.getAttributes().get(AttributeKey.stringKey("db.namespace"))).isEqualTo("SPANS");
        assertThat(insert.getAttributes().get(AttributeKey.stringKey("db.operation.name"))).isEqualTo("insert");
        assertThat(insert.getAttributes().get(AttributeKey.stringKey("db.system.name"))).isEqualTo("mongodb");
        assertThat(insert.getAttributes().asMap().values()).allSatisfy(v -> assertThat(String.valueOf(v))
                .doesNotContain(CITIZEN_ID).doesNotContain("Somchai"));
        assertThat(insert.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    }

    @Test
    void aFailedCommandIsAnErrorNamingOnlyTheFailuresType() {
        Span request = tracer.spanBuilder("request").startSpan();
        try (Scope ignored = request.makeCurrent()) {
            assertThatThrownBy(() -> db.runCommand(new Document("noSuchCommand", CITIZEN_ID)))
                    .isInstanceOf(com.mongodb.MongoCommandException.class);
        } finally {
            request.end();
        }

        SpanData failed = only("noSuchCommand");
        assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(failed.getStatus().getDescription()).isEqualTo("MongoCommandException");
        assertThat(failed.getAttributes().asMap().values()).allSatisfy(v -> assertThat(String.valueOf(v))
                .doesNotContain(CITIZEN_ID));
    }

    @Test
    void aCursorsNextBatchNamesItsCollection() {
        db.getCollection("readings").insertMany(java.util.stream.IntStream.range(0, 5)
                .mapToObj(i -> new Document("i", i)).toList());
        clear();
        Span batch = tracer.spanBuilder("batch").startSpan();
        try (Scope ignored = batch.makeCurrent()) {
            db.getCollection("readings").find().batchSize(2).into(new ArrayList<>());
        } finally {
            batch.end();
        }

        synchronized (EXPORTED) {
            assertThat(EXPORTED.stream().map(SpanData::getName)).contains("find readings", "getMore readings");
        }
    }

    @Test
    void aCommandOutsideAnySpanMakesNone() {
        db.getCollection("patients").find().first();

        synchronized (EXPORTED) {
            assertThat(EXPORTED).isEmpty();
        }
    }

    private static SpanData only(String name) {
        synchronized (EXPORTED) {
            List<SpanData> named = EXPORTED.stream().filter(s -> s.getName().equals(name)).toList();
            assertThat(named).as("spans named %s among %s", name, EXPORTED).hasSize(1);
            return named.get(0);
        }
    }
}
