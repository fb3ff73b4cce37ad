package org.mfc.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.messaging.DeadLetterHeaders;
import org.mfc.fhir.core.messaging.KafkaClients;
import org.mfc.fhir.core.testing.Fixtures;

import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;

/**
 * The operator paths that use the API's own Kafka clients (queue statistics: an admin client; the ingest status:
 * a dead-letter look-up consumer) against the broker the concrete class gives the service. The test's own producer
 * uses the service's full Kafka configuration, so on a broker that requires authentication it authenticates too.
 */
abstract class AdminPathsTests {

    @Inject
    KafkaClients kafka;

    @Test
    void givenQueuedReading_whenQueueStatsAsked_thenTheBrokerAnswersWithLagAndPartitions() {
        IngestTests.device().body(Fixtures.text("ava4/bp_biolight.json")).post("/api/v1/ava4").then().statusCode(202);

        JsonPath stats = IngestTests.admin().get("/admin/queue/stats").then().statusCode(200).extract().jsonPath();

        assertThat(stats.getString("status")).as("status (error means the broker was not reached)")
                .isIn("healthy", "degraded");
        assertThat(stats.getString("error")).isNull();
        assertThat(stats.getLong("queue_size")).isPositive();
        assertThat(stats.getList("partitions")).isNotEmpty();
        assertThat(stats.getInt("consumer_count")).isGreaterThanOrEqualTo(0);
        assertThat(stats.getLong("dead_letter_count")).isGreaterThanOrEqualTo(0);
    }

    @Test
    void givenDeadLetterOfARequest_whenItsStatusAsked_thenTheLookUpFindsItOnTheDeadLetterTopic() throws Exception {
        String ingestId = "dl-" + UUID.randomUUID();
        try (KafkaProducer<String, String> producer = kafka.producer(Map.of(ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            ProducerRecord<String, String> r = new ProducerRecord<>("fhir.readings.dlq", "imei-865067123456789",
                    "{}");
            DeadLetterHeaders.write(r.headers(), DeadLetterHeaders.STAGE, "MAP");
            DeadLetterHeaders.write(r.headers(), DeadLetterHeaders.REASON, "no mapping");
            DeadLetterHeaders.write(r.headers(), DeadLetterHeaders.INGEST_ID, ingestId);
            producer.send(r).get();
        }

        IngestTests.admin().get("/admin/ingest/" + ingestId).then().statusCode(200)
                .body("status", equalTo("dead_lettered"))
                .body("dead_letters[0].stage", equalTo("MAP"))
                .body("dead_letter_scan_complete", equalTo(true));
    }
}
