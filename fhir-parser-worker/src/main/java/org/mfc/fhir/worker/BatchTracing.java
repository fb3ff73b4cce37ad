package org.mfc.fhir.worker;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * One span per consumed batch, current while the batch is stored, so the MongoDB command spans of its writes are
 * its children. The batch span links to the trace of every record it holds (the {@code traceparent} the ingest
 * API's Kafka producer put in the record's headers), and a batch of one record continues that record's trace: a
 * reading can be followed from its HTTP request to its MongoDB writes. With tracing off (the default locally) the
 * tracer is a no-op.
 */
@ApplicationScoped
public class BatchTracing {

    private static final TextMapGetter<Headers> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
            return () -> java.util.stream.StreamSupport.stream(carrier.spliterator(), false).map(Header::key)
                    .iterator();
        }

        @Override
        public String get(Headers carrier, String key) {
            Header h = carrier == null ? null : carrier.lastHeader(key);
            return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }
    };

    @Inject
    OpenTelemetry openTelemetry;

    private Tracer tracer;

    /** The span of one batch; closing it ends the span and restores the previous context. */
    public static final class BatchSpan implements AutoCloseable {
        private final Span span;
        private final Scope scope;

        private BatchSpan(Span span, Scope scope) {
            this.span = span;
            this.scope = scope;
        }

        @Override
        public void close() {
            scope.close();
            span.end();
        }
    }

    public BatchSpan start(List<KafkaRecord<String, String>> records, String topic) {
        if (tracer == null) {
            tracer = openTelemetry.getTracer("org.mfc.fhir.worker");
        }
        var builder = tracer.spanBuilder(topic + " process").setSpanKind(SpanKind.CONSUMER)
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.destination.name", topic)
                .setAttribute("messaging.batch.message_count", (long) records.size());
        SpanContext only = null;
        for (KafkaRecord<String, String> r : records) {
            SpanContext sent = Span.fromContext(openTelemetry.getPropagators().getTextMapPropagator()
                    .extract(Context.root(), r.getHeaders(), HEADERS)).getSpanContext();
            if (sent.isValid()) {
                builder.addLink(sent);
                only = records.size() == 1 ? sent : null;
            }
        }
        builder.setParent(only == null ? Context.root() : Context.root().with(Span.wrap(only)));
        Span span = builder.startSpan();
        return new BatchSpan(span, span.makeCurrent());
    }
}
