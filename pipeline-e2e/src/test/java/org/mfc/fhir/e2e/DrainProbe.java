package org.mfc.fhir.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.bson.Document;

import com.mongodb.client.MongoClient;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;

/**
 * Measures how far the worker group is behind, in records and in time, and how much memory a process holds.
 *
 * <p>Time lag is the age of the oldest record the group has not committed yet: for each partition whose committed
 * offset is below the end, the record at the committed offset is read (by a consumer outside the group, which
 * commits nothing) and its timestamp, set when the ingest API published it, is compared with now. A group that has
 * consumed everything has a time lag of 0.
 */
final class DrainProbe implements AutoCloseable {

    /** One sample: records behind, seconds behind (-1: not measured), and resident memory in MiB (-1: unknown). */
    record Sample(long records, double seconds, double rssMb) {
    }

    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> reader;
    private final String topic;
    private final String group;

    DrainProbe(String bootstrapServers, Admin admin, String topic, String group) {
        this.admin = admin;
        this.topic = topic;
        this.group = group;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.reader = new KafkaConsumer<>(p);
    }

    /** Thread safe: the reader is used by one caller at a time. */
    synchronized Sample sample(long pid) throws Exception {
        Map<TopicPartition, Long> committed = new HashMap<>();
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
                .forEach((tp, om) -> {
                    if (om != null && tp.topic().equals(topic)) {
                        committed.put(tp, om.offset());
                    }
                });
        List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames()
                .get(10, TimeUnit.SECONDS).get(topic).partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
        long records = 0;
        long oldest = Long.MAX_VALUE;
        long now = System.currentTimeMillis();
        for (TopicPartition tp : partitions) {
            long position = committed.getOrDefault(tp, 0L);
            long behind = ends.get(tp).offset() - position;
            records += behind;
            if (behind > 0) {
                oldest = Math.min(oldest, timestampAt(tp, position));
            }
        }
        double seconds = records == 0 ? 0 : oldest == Long.MAX_VALUE ? -1 : Math.max(0, now - oldest) / 1000.0;
        return new Sample(records, seconds, rssMb(pid));
    }

    private long timestampAt(TopicPartition tp, long offset) {
        reader.assign(List.of(tp));
        reader.seek(tp, offset);
        for (int attempt = 0; attempt < 3; attempt++) {
            for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(500))) {
                return r.timestamp();
            }
        }
        return Long.MAX_VALUE;
    }

    /**
     * Freshness of the blood-pressure readings stored since {@code since}, sorted, in seconds: when the worker stored
     * each Observation ({@code recorded_datetime}) minus when the ingest API received it ({@code issued}). Unlike the
     * group's committed offsets (committed every few seconds by the worker's throttled strategy) it is the delay a
     * reader of the database sees.
     */
    static double[] freshnessSeconds(MongoClient client, Instant since) {
        List<Double> out = new ArrayList<>();
        for (Document d : FaultStack.fhir(client).getCollection("fhir_observations")
                .find(Filters.and(Filters.eq("code", "85354-9"), Filters.gte("recorded_datetime", Date.from(since))))
                .projection(Projections.include("recorded_datetime", "resource_data.issued"))) {
            long recorded = d.getDate("recorded_datetime").getTime();
            long received = Instant.parse(d.get("resource_data", Document.class).getString("issued")).toEpochMilli();
            out.add(Math.max(0, recorded - received) / 1000.0);
        }
        return out.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    /** Resident set size of a Linux process ({@code VmRSS} in {@code /proc/<pid>/status}), in MiB; -1 if unknown. */
    static double rssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    @Override
    public void close() {
        reader.close();
        admin.close();
    }
}
