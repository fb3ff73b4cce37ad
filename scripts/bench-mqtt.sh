#!/usr/bin/env bash
# MQTT end-to-end benchmark: AVA4 boxes publish on dusun_pub with QoS 1 (open loop, fixed rates) to the devices'
# broker; the ingest API takes them from its shared subscription (PUBACK to the broker only after Kafka acknowledged),
# the worker stores them. Reports the rate sustained, publish-to-PUBACK latency and freshness (stored minus due).
# Results: docs/benchmarks/mqtt.md.
#
#   RATES=500,1000,2000 DURATION=30 scripts/bench-mqtt.sh
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/{/^#/{s/^# \{0,1\}//;p}}' "$0"; exit 0 ;; esac
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

RATES=${RATES:-500,1000,2000}
DURATION=${DURATION:-30}
DEVICES=${DEVICES:-1000}
CONNECTIONS=${CONNECTIONS:-8}
OUT=${OUT:-docs/benchmarks/mqtt}
PORT=${BENCH_PORT:-18280}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

# package, not install: run-local.sh (SKIP_BUILD=1) and the benchmark run the jars from the modules' target/.
./mvnw -B -q -DskipTests -pl embedded-infra,mqtt-broker,ingest-api,fhir-parser-worker,pipeline-bench -am package
dir=$(mktemp -d /tmp/bench-mqtt.XXXXXX)
SKIP_BUILD=1 RUN_DIR="$dir" INGEST_HTTP_PORT=$PORT WORKER_HTTP_PORT=$((PORT + 1)) KAFKA_PORT=$((PORT + 2)) \
  KAFKA_CONTROLLER_PORT=$((PORT + 3)) MONGO_PORT=$((PORT + 4)) MQTT_PORT=$((PORT + 5)) \
  INGEST_MANAGEMENT_PORT=$((PORT + 6)) WORKER_MANAGEMENT_PORT=$((PORT + 7)) START_FHIR_API=0 \
  MONGO_STORAGE=${MONGO_STORAGE:-memory} MONGO_JAVA_OPTS=${MONGO_JAVA_OPTS:--Xms4g -Xmx4g -XX:MaxTenuringThreshold=0} \
  MQTT_DEVICE_RATE_PER_SECOND=1000000 MQTT_DEVICE_RATE_BURST=1000000 MQTT_MAX_IN_FLIGHT=${MQTT_MAX_IN_FLIGHT:-500} \
  scripts/run-local.sh >"$dir/run-local.out" 2>&1 &
STACK_PID=$!
trap 'kill -TERM $STACK_PID 2>/dev/null || true; wait $STACK_PID 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 300); do grep -q "pipeline is up" "$dir/run-local.out" && break; sleep 1; done
grep -q "pipeline is up" "$dir/run-local.out" || { cat "$dir/run-local.out"; exit 1; }
# shellcheck disable=SC1091
. "$dir/mqtt-passwords.env"

"$JAVA" -Xmx1g -cp pipeline-bench/target/pipeline-bench.jar org.mfc.fhir.bench.MqttBench \
  --host 127.0.0.1 --port $((PORT + 5)) --user ava4 --password "$MQTT_AVA4_PASSWORD" \
  --kafka "127.0.0.1:$((PORT + 2))" --mongo "mongodb://127.0.0.1:$((PORT + 4))" \
  --rates "$RATES" --duration "$DURATION" --warmup "${WARMUP:-20}" --devices "$DEVICES" --connections "$CONNECTIONS" \
  --out "$OUT" --command "scripts/bench-mqtt.sh (RATES=$RATES DURATION=$DURATION DEVICES=$DEVICES)"
