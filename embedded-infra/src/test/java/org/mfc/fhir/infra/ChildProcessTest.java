package org.mfc.fhir.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ChildProcessTest {

    private static final Duration CONSUME_TIMEOUT = Duration.ofSeconds(60);

    @Test
    void killedBrokerRestartsWithItsLogAndTakesNewRecords(@TempDir Path dir) throws Exception {
        try (ChildProcess broker = ChildProcess.kafkaBroker(dir)) {
            long startNanos = System.nanoTime();
            broker.start();
            System.out.printf("Child-JVM Kafka broker ready in %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
            String address = broker.address();
            KafkaTestClients.produce(address, "durable", 0, 20);

            long pid = broker.pid();
            broker.kill();
            assertThat(broker.isAlive()).isFalse();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));

            broker.restart();
            assertThat(broker.address()).isEqualTo(address);
            KafkaTestClients.produce(address, "durable", 20, 25);
            assertThat(KafkaTestClients.consume(address, "durable", 25, CONSUME_TIMEOUT))
                    .extracting(ConsumerRecord::value).hasSize(25).contains("value-0", "value-19", "value-24");
            pid = broker.pid();
            broker.stop();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
        }
        assertThat(dir.resolve("kafka-broker.log")).content().contains("KAFKA_READY");
    }

    @Test
    void fileBackedMongoChildKeepsDataAcrossAGracefulRestart(@TempDir Path dir) {
        try (ChildProcess mongo = ChildProcess.mongoServer(dir).start()) {
            String address = mongo.address();
            assertThat(address).startsWith("mongodb://127.0.0.1:");
            try (MongoClient client = MongoClients.create(address)) {
                client.getDatabase("fhir").getCollection("devices").insertOne(new Document("_id", "d-1"));
            }
            mongo.restart();
            assertThat(mongo.address()).isEqualTo(address);
            try (MongoClient client = MongoClients.create(address)) {
                assertThat(client.getDatabase("fhir").getCollection("devices").find(Filters.eq("_id", "d-1")).first())
                        .isNotNull();
            }
        }
    }
}
