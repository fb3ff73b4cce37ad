#!/usr/bin/env bash
# Ingest API benchmark: open-loop load (constant arrival rate, latency from the intended send time, HdrHistogram)
# at several fixed rates against the running API with the real broker on this machine; first in async mode
# (202 after the broker acked), then, in the same run, in sync mode (ENABLE_ASYNC_FHIR=false: 201 after MongoDB).
# The worker is not started: this measures what devices feel (API, broker, MongoDB for sync); the whole pipeline
# under load is scripts/bench-e2e.sh.
# Results: docs/benchmarks/ingest.{md,csv,png}.
#
#   scripts/bench-ingest.sh                       # defaults below
#   RATES=1000,3000,5000,7000 DURATION=30 scripts/bench-ingest.sh
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/{/^#/{s/^# \{0,1\}//;p}}' "$0"; exit 0 ;; esac
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

RATES=${RATES:-1000,2000,3000,5000,6000}
SYNC_RATES=${SYNC_RATES:-250,500,1000,2000}
DURATION=${DURATION:-30}
WARMUP=${WARMUP:-15}
DEVICES=${DEVICES:-1000}
OUT=${OUT:-docs/benchmarks/ingest}
PORT=${BENCH_INGEST_PORT:-18080}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

./mvnw -B -q -DskipTests -pl embedded-infra,ingest-api,fhir-parser-worker,pipeline-bench -am install
rm -f "$OUT.csv"
STACK_PID=""
stop_stack() {
  if [ -n "$STACK_PID" ]; then kill -TERM "$STACK_PID" 2>/dev/null || true; wait "$STACK_PID" 2>/dev/null || true; fi
  STACK_PID=""
}
trap stop_stack EXIT

# run_mode MODE ASYNC RATES: starts a fresh local stack (own ports and data dir) and drives it.
run_mode() {
  local mode=$1 async=$2 rates=$3 dir
  dir=$(mktemp -d /tmp/bench-ingest.XXXXXX)
  SKIP_BUILD=1 RUN_DIR="$dir" INGEST_HTTP_PORT=$PORT WORKER_HTTP_PORT=$((PORT + 1)) KAFKA_PORT=$((PORT + 2)) \
    KAFKA_CONTROLLER_PORT=$((PORT + 3)) MONGO_PORT=$((PORT + 4)) INGEST_MANAGEMENT_PORT=$((PORT + 5)) WORKER_MANAGEMENT_PORT=$((PORT + 6)) MQTT_PORT=$((PORT + 7)) START_FHIR_API=0 ENABLE_ASYNC_FHIR=$async MONGO_STORAGE=memory \
    START_WORKER=0 \
    INGEST_RATE_LIMIT_PER_SECOND=1000000 INGEST_RATE_LIMIT_BURST=1000000 \
    scripts/run-local.sh >"$dir/run-local.out" 2>&1 &
  STACK_PID=$!
  for _ in $(seq 1 300); do grep -q "pipeline is up" "$dir/run-local.out" && break; sleep 1; done
  grep -q "pipeline is up" "$dir/run-local.out" || { cat "$dir/run-local.out"; exit 1; }
  "$JAVA" -Xmx512m -cp pipeline-bench/target/pipeline-bench.jar org.mfc.fhir.bench.IngestBench \
    --url "http://127.0.0.1:$PORT" --path /api/v1/ava4 --rates "$rates" --duration "$DURATION" --warmup "$WARMUP" \
    --devices "$DEVICES" --mode "$mode" --out "$OUT" --mongo "mongodb://127.0.0.1:$((PORT + 4))" \
    --token "$(scripts/mint-token.sh --subject bench --scope "system/Observation.write fleet" --lifetime 7200 2>/dev/null)" \
    --title "Ingest API: latency from intended send time to answer (open loop, $(nproc) cores, broker and Mongo on the same box)" \
    --command "scripts/bench-ingest.sh (RATES=$RATES SYNC_RATES=$SYNC_RATES DURATION=$DURATION)"
  stop_stack
  rm -rf "$dir"
}

run_mode async true "$RATES"
run_mode sync false "$SYNC_RATES"
echo "report: $OUT.md, plot: $OUT.png"
