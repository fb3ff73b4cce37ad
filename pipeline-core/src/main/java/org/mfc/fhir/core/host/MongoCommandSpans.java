package org.mfc.fhir.core.host;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.bson.BsonDocument;
import org.bson.BsonValue;

import com.mongodb.event.CommandFailedEvent;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.event.CommandSucceededEvent;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/**
 * A client span per MongoDB command, child of the span current on the calling thread (a worker batch, a request
 * stored synchronously): the command name, database, collection and server, never the command itself. Replaces the
 * MongoDB client extension's tracing listener, which renders every command as JSON into a span attribute: the
 * documents of every insert (patients' readings, names and citizen ids) would leave in the traces, and the rendering
 * took 77 % of the worker's batch thread whether tracing was on or not (docs/decisions.md, "MongoDB command spans
 * without the command"). Commands issued outside any span (health checks, gauges, the registry refresh) get none.
 * <p>
 * The MongoDB client extension makes every {@link CommandListener} of the application a bean and hands it to the
 * client, so each service gets this one; a service without OpenTelemetry (the read API, the migrator) gets it with
 * a no-op tracer.
 */
public final class MongoCommandSpans implements CommandListener {

    private final Tracer tracer;
    /** Spans of commands in flight, by the driver's request id (unique per client). */
    private final Map<Integer, Span> inFlight = new ConcurrentHashMap<>();

    @Inject
    public MongoCommandSpans(Instance<OpenTelemetry> openTelemetry) {
        this(openTelemetry.isResolvable() ? openTelemetry.get() : OpenTelemetry.noop());
    }

    public MongoCommandSpans(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("org.mfc.fhir.mongodb");
    }

    @Override
    public void commandStarted(CommandStartedEvent event) {
        Context parent = Context.current();
        if (!Span.fromContext(parent).getSpanContext().isValid()) {
            return;
        }
        String collection = collection(event.getCommandName(), event.getCommand());
        Span span = tracer.spanBuilder(collection == null ? event.getCommandName()
                : event.getCommandName() + " " + collection)
                .setParent(parent)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("db.system.name", "mongodb")
                .setAttribute("db.operation.name", event.getCommandName())
                .setAttribute("db.namespace", event.getDatabaseName())
                .startSpan();
        if (collection != null) {
            span.setAttribute("db.collection.name", collection);
        }
        var address = event.getConnectionDescription().getServerAddress();
        span.setAttribute("server.address", address.getHost());
        span.setAttribute("server.port", (long) address.getPort());
        inFlight.put(event.getRequestId(), span);
    }

    @Override
    public void commandSucceeded(CommandSucceededEvent event) {
        Span span = inFlight.remove(event.getRequestId());
        if (span != null) {
            span.end();
        }
    }

    @Override
    public void commandFailed(CommandFailedEvent event) {
        Span span = inFlight.remove(event.getRequestId());
        if (span != null) {
            // The failure's type only: a server message may quote a document (a duplicate key's value).
            span.setStatus(StatusCode.ERROR, event.getThrowable().getClass().getSimpleName());
            span.end();
        }
    }

    /** Commands whose first value is the collection they act on ({@code insert: "fhir_observations"}). */
    private static final Set<String> ON_COLLECTION = Set.of("insert", "update", "delete", "find", "aggregate", "count",
            "distinct", "findAndModify", "createIndexes", "listIndexes", "dropIndexes", "drop", "create", "collMod");

    /**
     * The collection of a collection command, or null: only commands known to name one there, as another command's
     * first value may be anything (a value the caller passed).
     */
    static String collection(String commandName, BsonDocument command) {
        BsonValue value = ON_COLLECTION.contains(commandName) ? command.get(commandName)
                : "getMore".equals(commandName) ? command.get("collection") : null;
        return value != null && value.isString() ? value.asString().getValue() : null;
    }
}
