package org.mfc.fhir.e2e;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.mfc.fhir.bench.AckAudit;
import org.mfc.fhir.bench.MqttFleetPublisher;
import org.mfc.fhir.infra.MqttInfra;

import com.mongodb.client.MongoClient;

/**
 * The fault runs' shape with devices on MQTT: the fleet publishes its readings on {@code dusun_pub} with QoS 1 at
 * {@link #RATE}/s (open loop) while the fault is injected and healed; a reading counts as acknowledged when the
 * broker sent its PUBACK to the device, the only acknowledgement a device ever sees. Readings without one are
 * published again by their devices after the load. Then the same audit as over HTTP: every acknowledged reading
 * stored exactly once in the FHIR database and once in its legacy bucket.
 */
abstract class MqttFaultRunSupport extends FaultRunSupport {

    /** Connections the fleet's boxes share. */
    private static final int CONNECTIONS = 5;
    /**
     * Seconds of load: {@code FAULT_RUN_SECONDS} when given (the long forms), else 20 in CI, where three more runs
     * must stay within a few minutes; the fault steps are placed at thirds of it.
     */
    static final int MQTT_LOAD_SECONDS = Integer.parseInt(System.getenv().getOrDefault("FAULT_RUN_SECONDS", "20"));

    static AckAudit.Verdict runMqtt(String fault, FaultStack stack, List<Step> schedule) throws Exception {
        LoadRun load = new LoadRun(stack.fleet, Map::of);
        Instant[] healed = {null};
        List<FaultTimeline.Event> events = new CopyOnWriteArrayList<>();
        long loadStart = System.nanoTime();
        ScheduledExecutorService faults = scheduleFaults(schedule, loadStart, events, healed);
        Instant start = Instant.now();
        try (MqttFleetPublisher devices = new MqttFleetPublisher("127.0.0.1", MqttInfra.portOf(stack.mqtt),
                MqttInfra.AVA4, MqttInfra.password(MqttInfra.AVA4), CONNECTIONS)) {
            MqttFleetPublisher.Result r = devices.run(stack.fleet, 0, RATE, Duration.ofSeconds(MQTT_LOAD_SECONDS),
                    (i, code, latencyNanos, dueNanos) -> load.answered(i, status(code),
                            (System.nanoTime() - loadStart) / 1e9, latencyNanos / 1e6));
            load.sent = r.sent();
            load.achievedRate = r.achievedRate();
            faults.shutdown();
            faults.awaitTermination(2, TimeUnit.MINUTES);
            for (int attempt = 0; attempt < 5; attempt++) {
                for (long i : load.takeRetries()) {
                    load.record(i, status(devices.send(stack.fleet, i).get()));
                }
            }
        }
        Instant drainStart = Instant.now();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> lag(stack) == 0);
        AckAudit.Verdict verdict;
        try (MongoClient client = stack.mongoClient()) {
            // Messages may still wait on the MQTT broker after the worker group caught up with Kafka.
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> StoredAudit.audit(client, stack.fleet, load).lost() == 0);
            verdict = StoredAudit.audit(client, stack.fleet, load);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            try (MongoClient client = stack.mongoClient()) {
                verdict = StoredAudit.audit(client, stack.fleet, load);
            }
        }
        Duration drain = Duration.between(drainStart, Instant.now());
        double recovery = healed[0] == null ? 0 : Duration.between(healed[0], drainStart).toMillis() / 1000.0;
        List<FaultTimeline.Second> seconds = FaultTimeline.seconds(load);
        int degraded = FaultTimeline.degradedSeconds(seconds, events, SLOW_MS);
        double recovered = FaultTimeline.recoverySeconds(seconds, events, SLOW_MS);
        FaultTimeline.write(RUNS_DIR.resolve(slug(fault)), fault, seconds, events);
        String statuses = statuses(load);
        summary(fault, load, statuses, verdict, Duration.between(start, Instant.now()), recovery);
        summaryCsv(new SummaryRow(fault, RATE, load.achievedRate, load.sent, statuses, verdict, degraded, recovered,
                drain.toMillis() / 1000.0, Duration.between(start, Instant.now()).toSeconds()));
        return verdict;
    }

    /** A PUBACK is the device's 2xx; anything else it retries. */
    private static int status(int code) {
        return code == MqttFleetPublisher.ACKNOWLEDGED ? 200 : code == MqttFleetPublisher.NO_ANSWER ? -1 : code;
    }

    /** What the devices saw, in MQTT's words. */
    private static String statuses(LoadRun load) {
        StringBuilder sb = new StringBuilder();
        new java.util.TreeMap<>(load.statuses).forEach((status, n) -> {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(status == 200 ? "PUBACK" : status < 0 ? "no PUBACK" : "PUBACK 0x" + Integer.toHexString(status))
                    .append(": ").append(n.get());
        });
        return sb.toString();
    }
}
