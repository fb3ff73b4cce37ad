package org.mfc.fhir.worker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Re-publishes dead letters to the readings topic, typically after a parser or mapping fix. Reads the dead-letter
 * topic with its own consumer group ({@code worker.replay-group}), from that group's committed position up to the
 * end offsets seen when the replay starts, re-sends each record with its original key and value (acks=all), and
 * commits the group's position only after every re-sent record was acknowledged: an interrupted replay is re-run
 * from where it stopped, and a replayed record that fails again lands on the dead-letter topic again, after the
 * replay's stop point. Runs one at a time.
 */
@ApplicationScoped
public class DeadLetterReplayer {

    private static final Logger LOG = Logger.getLogger(DeadLetterReplayer.class);

    /** Counts of one replay. */
    public record Report(int replayed, int partitions, Instant finishedAt) {
    }

    @Inject
    WorkerConfig config;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    public synchronized Report replay() throws Exception {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps());
                KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(config.deadLetterTopic(), Duration.ofSeconds(10))
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            if (partitions.isEmpty()) {
                return new Report(0, 0, Instant.now());
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new java.util.HashSet<>(partitions),
                    Duration.ofSeconds(10));
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata c = committed.get(tp);
                if (c == null) {
                    consumer.seekToBeginning(List.of(tp));
                } else {
                    consumer.seek(tp, c.offset());
                }
            }
            Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            long deadline = System.nanoTime() + config.replayTimeout().toNanos();
            while (!done(consumer, partitions, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("replay did not reach the end offsets within "
                            + config.replayTimeout());
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() >= end.get(tp)) {
                        continue;
                    }
                    ProducerRecord<String, String> out = new ProducerRecord<>(config.readingsTopic(), r.key(),
                            r.value());
                    for (Header h : r.headers()) {
                        if (h.key().equals("ingest-id")) {
                            out.headers().add(h);
                        }
                    }
                    out.headers().add("dlq-replayed-from", (r.topic() + "/" + r.partition() + "/" + r.offset())
                            .getBytes(StandardCharsets.UTF_8));
                    sends.add(producer.send(out));
                    next.put(tp, new OffsetAndMetadata(r.offset() + 1));
                }
            }
            producer.flush();
            for (Future<RecordMetadata> f : sends) {
                f.get(30, TimeUnit.SECONDS);
            }
            if (!next.isEmpty()) {
                consumer.commitSync(next);
            }
            LOG.infof("dead-letter replay: %d record(s) re-published to %s", sends.size(), config.readingsTopic());
            return new Report(sends.size(), partitions.size(), Instant.now());
        }
    }

    private static boolean done(KafkaConsumer<String, String> consumer, List<TopicPartition> partitions,
            Map<TopicPartition, Long> end) {
        for (TopicPartition tp : partitions) {
            if (consumer.position(tp) < end.get(tp)) {
                return false;
            }
        }
        return true;
    }

    private Properties consumerProps() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.replayGroup());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return p;
    }

    private Properties producerProps() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return p;
    }
}
