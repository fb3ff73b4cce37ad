package org.mfc.fhir.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mfc.fhir.bench.AckAudit;

/**
 * Both services reach Kafka and MongoDB through TCP proxies (NetCrusher). Under steady load each link in turn gets
 * 300 ms of added latency in both directions, then freezes (no byte moves, connections stay open) for 4 s, then has
 * every connection closed at once; then everything is healed. The ingest API publishes with a 2 s timeout, so a
 * frozen broker link sends it to its synchronous fallback while records it gave up on may still reach the broker
 * late: the audit then proves those are not stored twice. Every acknowledged reading must be stored exactly once.
 */
class NetworkFaultIT extends FaultRunSupport {

    private static final Duration LATENCY = Duration.ofMillis(300);
    private static final long FAULT_SECONDS = 4;

    @TempDir
    Path dir;

    @Test
    void givenServicesBehindProxies_whenLinksSlowedFrozenAndCut_thenEveryAcknowledgedReadingStoredOnce()
            throws Exception {
        Map<String, String> env = new java.util.HashMap<>(FAST_FALLBACK);
        env.putAll(Map.of("FHIR_RETRY_MAX_BACKOFF", "2s", "FHIR_RETRIES_BEFORE_UNHEALTHY", "3"));
        try (FaultStack stack = FaultStack.startBehindProxies(dir, 1, fleet(), env)) {
            try (Admin admin = stack.admin()) {
                assertThat(admin.describeCluster().nodes().get(10, TimeUnit.SECONDS)).extracting(Node::port)
                        .as("the broker sends clients to the proxy after bootstrap")
                        .containsOnly(stack.kafkaLink.port());
            }
            Map<String, Integer> dropped = new ConcurrentHashMap<>();
            List<Step> schedule = new ArrayList<>();
            // The schedule spans the load whatever its length: one "unit" is a thirtieth of it.
            double unit = LOAD_SECONDS / 30.0;
            schedule.addAll(degrade(stack.kafkaLink, 2 * unit, dropped));
            schedule.addAll(degrade(stack.mongoLink, 15 * unit, dropped));
            schedule.add(new Step(seconds(27 * unit), "heal both links", () -> {
                stack.kafkaLink.heal();
                stack.mongoLink.heal();
            }));

            AckAudit.Verdict v = run("network: Kafka and MongoDB links slowed 300 ms, frozen 4 s, cut", stack,
                    schedule, FaultStack.fleetHeaders());

            assertThat(dropped).as("connections each proxy carried when they were cut (the services used them)")
                    .hasEntrySatisfying("kafka", n -> assertThat(n).isPositive())
                    .hasEntrySatisfying("mongo", n -> assertThat(n).isPositive());
            assertEveryAcknowledgedReadingStoredOnce(v);
        }
    }

    /** Latency, then a freeze, then every connection cut, on one link starting at {@code from} seconds. */
    private static List<Step> degrade(ProxiedLink link, double from, Map<String, Integer> dropped) {
        String n = link.name();
        double unit = LOAD_SECONDS / 30.0;
        return List.of(
                new Step(seconds(from), n + ": +" + LATENCY.toMillis() + " ms", () -> link.delay(LATENCY)),
                new Step(seconds(from + FAULT_SECONDS), n + ": latency off", () -> link.delay(Duration.ZERO)),
                new Step(seconds(from + 6 * unit), n + ": freeze", link::freeze),
                new Step(seconds(from + 6 * unit + FAULT_SECONDS), n + ": unfreeze", link::unfreeze),
                new Step(seconds(from + 11 * unit), n + ": cut all connections", () -> {
                    dropped.put(n, link.connections());
                    link.dropConnections();
                }));
    }

    private static Duration seconds(double s) {
        return Duration.ofMillis(Math.round(s * 1000));
    }
}
