package org.mfc.fhir.ingest.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.junit.jupiter.api.Test;

class RejectPublisherTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A cut payload, with every header this class writes and the trace context the Kafka sink adds after it, still
     * fits the producer's 1 MiB record (Kafka's own upper-bound estimate, the one the producer checks). Without room
     * for the trace header the record was refused as too large on every retry, and the MQTT message with it.
     */
    @Test
    void givenAPayloadCutToFit_whenTheSinkAddsItsTraceHeaders_thenTheRecordStillFits() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("dlq-stage", utf8("RECEIVE"));
        headers.add("dlq-reason", utf8("TOO_LARGE: " + "r".repeat(1_990)));
        headers.add("mqtt-topic", utf8("dusun_pub"));
        headers.add("received-at", utf8("2026-12-07T11:00:00.123456789Z"));
        headers.add("mqtt-publisher", utf8("ava4"));
        String key = "box-08F9E0D1F7B4";
        int kept = RejectPublisher.keptBytes(key, headers);

        headers.add("payload-truncated-from", utf8("1048608"));
        headers.add("traceparent", utf8("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
        headers.add("tracestate", utf8("vendor=" + "t".repeat(256)));
        headers.add("baggage", utf8("k=" + "b".repeat(512)));
        int size = AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE,
                CompressionType.NONE, utf8(key), new byte[kept], headers.toArray());

        assertThat(size).isLessThanOrEqualTo(RejectPublisher.MAX_RECORD_BYTES);
        assertThat(kept).as("a payload a little under the 1 MiB body limit is still kept whole")
                .isGreaterThan(1_044_000);
    }
}
