package org.mfc.fhir.ingest.service;

import java.util.List;

import org.mfc.fhir.core.model.FieldProblem;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The answer to an accepted request. {@code queued} (202): the broker acknowledged every accepted message;
 * {@code stored} (201): stored synchronously, with the resource ids; {@code parked} (202): stored aside until the
 * registry knows the device. {@code refused} lists the items refused beside the accepted ones (a message of a
 * batch, an entry of a {@code device_list} or an {@code AP55} batch), each with its fields and reasons; it is absent
 * when nothing was refused. A 2xx therefore means: every item not listed under {@code refused} will be stored.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IngestResult(
        @JsonProperty("ingest_id") String ingestId,
        @JsonProperty("status") String status,
        @JsonProperty("messages") int messages,
        @JsonProperty("readings") int readings,
        @JsonProperty("queue_name") String queueName,
        @JsonProperty("received_at") String receivedAt,
        @JsonProperty("resource_ids") List<String> resourceIds,
        @JsonProperty("request_id") String requestId,
        @JsonProperty("refused") List<RefusedItem> refused) {

    public IngestResult(String ingestId, String status, int messages, int readings, String queueName,
            String receivedAt, List<String> resourceIds, String requestId) {
        this(ingestId, status, messages, readings, queueName, receivedAt, resourceIds, requestId, null);
    }

    public IngestResult {
        refused = refused == null || refused.isEmpty() ? null : List.copyOf(refused);
    }

    public int httpStatus() {
        return "stored".equals(status) ? 201 : 202;
    }

    /**
     * About what this answer holds on the heap, in bytes: the caches that keep answers bound their memory by it, since
     * a synchronous answer lists every resource id and a batch's answer up to {@value RefusedItem#MAX_LISTED}
     * refused items, while a queued answer is a few short strings.
     */
    @JsonIgnore
    public long estimatedBytes() {
        long bytes = 96 + chars(ingestId) + chars(status) + chars(queueName) + chars(receivedAt) + chars(requestId);
        if (resourceIds != null) {
            bytes += 16 + 4L * resourceIds.size();
            for (String id : resourceIds) {
                bytes += chars(id);
            }
        }
        if (refused != null) {
            bytes += 16 + 4L * refused.size();
            for (RefusedItem item : refused) {
                bytes += 24 + chars(item.item()) + 16 + 4L * item.errors().size();
                for (Error e : item.errors()) {
                    bytes += 24 + chars(e.errorCode()) + chars(e.field()) + chars(e.message());
                }
            }
        }
        return bytes;
    }

    /** A string's heap size: header and array, one byte a character (Latin-1 strings), conservatively rounded up. */
    private static long chars(String s) {
        return s == null ? 0 : 40 + s.length();
    }

    /**
     * One refused item: {@code item} is its path in the request ({@code [2]}, {@code data.value.device_list[1]},
     * {@code [0].data[3]}), {@code errors} the same {@code {error_code, field, message}} entries a 422 lists.
     */
    public record RefusedItem(@JsonProperty("item") String item, @JsonProperty("errors") List<Error> errors) {

        /** Most items listed: a batch of 500 messages of 1,000 items each must not answer megabytes. */
        static final int MAX_LISTED = 100;

        /** At most {@link #MAX_LISTED} items, and then one {@code $} item counting the rest. */
        static List<RefusedItem> bounded(List<RefusedItem> items) {
            if (items.size() <= MAX_LISTED) {
                return List.copyOf(items);
            }
            List<RefusedItem> out = new java.util.ArrayList<>(items.subList(0, MAX_LISTED));
            out.add(new RefusedItem("$", List.of(new Error("VALIDATION_ERROR", "$", (items.size() - MAX_LISTED)
                    + " more items refused"))));
            return out;
        }

        static RefusedItem of(String item, List<FieldProblem> problems) {
            return new RefusedItem(item, problems.stream().map(p -> new Error("VALIDATION_ERROR", p.field(),
                    p.reason())).toList());
        }
    }

    public record Error(@JsonProperty("error_code") String errorCode, @JsonProperty("field") String field,
            @JsonProperty("message") String message) {
    }
}
