package org.mfc.fhir.bench;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.mfc.fhir.core.messaging.KafkaClients;

/** A consumer group's lag on a topic: end offsets minus committed offsets, summed over partitions. */
public final class ConsumerLag {

    private ConsumerLag() {
    }

    /**
     * The admin client the benchmarks read the lag with, on the brokers of {@code --kafka}; a secured cluster's
     * {@code KAFKA_*} variables apply as they do to the services.
     */
    public static Admin admin(String bootstrapServers) {
        return KafkaClients.fromEnvironment(System.getenv(), bootstrapServers)
                .admin(Map.of(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000));
    }

    /** The lag, or -1 when the broker did not answer within a few seconds. */
    public static long of(Admin admin, String topic, String group) {
        try {
            var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS);
            List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(10, TimeUnit.SECONDS).get(topic).partitions().stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            var ends = admin.listOffsets(partitions.stream().collect(Collectors.toMap(tp -> tp,
                    tp -> OffsetSpec.latest()))).all().get(10, TimeUnit.SECONDS);
            long lag = 0;
            for (TopicPartition tp : partitions) {
                var c = committed.get(tp);
                lag += ends.get(tp).offset() - (c == null ? 0 : c.offset());
            }
            return lag;
        } catch (Exception e) {
            return -1;
        }
    }
}
