#!/usr/bin/env bash
# End-to-end benchmark: POST to stored Observation, with the broker and the MongoDB wire server on this machine.
# Drives the ingest API with open-loop load at fixed rates, samples the worker group's lag, waits for it to drain
# and reports freshness (stored minus received) and the worker's sustained records/s.
# Results: docs/benchmarks/end-to-end.md.
#
#   RATES=1000,2000,3000,4000 DURATION=30 scripts/bench-e2e.sh
# The in-memory MongoDB wire server holds every stored document in its heap: MONGO_JAVA_OPTS
# [-Xms8g -Xmx8g -XX:MaxTenuringThreshold=0]. A database's heap is sized once (G1 otherwise keeps it just above the
# live data and marks it every few seconds, on the cores the pipeline needs), and what it stores lives for the whole
# run: moved to the old generation at once, not copied between survivor spaces on every young collection.
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/{/^#/{s/^# \{0,1\}//;p}}' "$0"; exit 0 ;; esac
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

RATES=${RATES:-1000,2000,3000,4000}
DURATION=${DURATION:-30}
DEVICES=${DEVICES:-1000}
OUT=${OUT:-docs/benchmarks/end-to-end}
PORT=${BENCH_PORT:-18180}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

./mvnw -B -q -DskipTests -pl embedded-infra,ingest-api,fhir-parser-worker,pipeline-bench -am install
dir=$(mktemp -d /tmp/bench-e2e.XXXXXX)
SKIP_BUILD=1 RUN_DIR="$dir" INGEST_HTTP_PORT=$PORT WORKER_HTTP_PORT=$((PORT + 1)) KAFKA_PORT=$((PORT + 2)) \
  KAFKA_CONTROLLER_PORT=$((PORT + 3)) MONGO_PORT=$((PORT + 4)) INGEST_MANAGEMENT_PORT=$((PORT + 5)) WORKER_MANAGEMENT_PORT=$((PORT + 6)) MQTT_PORT=$((PORT + 7)) START_FHIR_API=0 MONGO_STORAGE=${MONGO_STORAGE:-memory} \
  MONGO_JAVA_OPTS=${MONGO_JAVA_OPTS:--Xms8g -Xmx8g -XX:MaxTenuringThreshold=0} \
  INGEST_RATE_LIMIT_PER_SECOND=1000000 INGEST_RATE_LIMIT_BURST=1000000 scripts/run-local.sh >"$dir/run-local.out" 2>&1 &
STACK_PID=$!
trap 'kill -TERM $STACK_PID 2>/dev/null || true; wait $STACK_PID 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 300); do grep -q "pipeline is up" "$dir/run-local.out" && break; sleep 1; done
grep -q "pipeline is up" "$dir/run-local.out" || { cat "$dir/run-local.out"; exit 1; }

"$JAVA" -Xmx1g -cp pipeline-bench/target/pipeline-bench.jar org.mfc.fhir.bench.EndToEndBench \
  --url "http://127.0.0.1:$PORT" --kafka "127.0.0.1:$((PORT + 2))" --mongo "mongodb://127.0.0.1:$((PORT + 4))" \
  --rates "$RATES" --duration "$DURATION" --warmup "${WARMUP:-60}" --warmup-rate "${WARMUP_RATE:-1000}" --devices "$DEVICES" --out "$OUT" \
  --token "$(scripts/mint-token.sh --subject bench --scope "system/Observation.write fleet" --lifetime 7200 2>/dev/null)" \
  --command "scripts/bench-e2e.sh (RATES=$RATES DURATION=$DURATION)"
