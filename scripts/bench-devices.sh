#!/usr/bin/env bash
# What devices feel, in one report (docs/benchmarks/devices.md, plots docs/benchmarks/devices-*.png, raw CSVs in
# docs/benchmarks/devices/):
#   (a) cold start: a fresh stack taking COLD_RATE req/s from the second its ingest API reports ready, per second
#   (b) the Kafka broker killed (kill -9) and restarted under OUTAGE_RATE req/s: per-second latency and statuses,
#       when the API queued again, and an audit of every acknowledged reading (lost, duplicated)
#   (c) steady state with the worker running at STEADY_RATES: ingest p50/p99 and freshness (stored minus received)
#   (d) what one reading costs at COST_RATE: CPU per process, MongoDB round trips, documents and bytes stored, Kafka
#       bytes
# Every run starts its own stack with scripts/run-local.sh (in-memory MongoDB stand-in, own ports and data dir;
# the MQTT broker runs idle, the read API is not started: neither is on the path measured here).
# The targets are judged on the median of RUNS runs, on a machine with nothing else running.
#
#   scripts/bench-devices.sh                          # the defaults below: 3 runs of each scenario (about 45 min)
#   SHORT=1 scripts/bench-devices.sh                  # one short run of each, to check the script (about 10 min)
#   SCENARIOS=cold,outage RUNS=5 scripts/bench-devices.sh
#
# Settings [defaults]: RUNS [3] SCENARIOS [cold,outage,steady,cost] DEVICES [1000] PORT [18280] (nine ports from it)
#   COLD_RATE [300] COLD_SECONDS [60]
#   OUTAGE_RATE [300] OUTAGE_SECONDS [60] KILL_AT [20] (s after the load started) RESTART_AFTER [10] (s after the kill)
#   STEADY_RATES [1000,3000,5000] STEADY_SECONDS [30] STEADY_WARMUP [60] (s at 1,000 req/s first, not reported)
#   COST_RATE [1000] COST_SECONDS [60] COST_WARMUP [30]
#   OUT [docs/benchmarks/devices] REPORT [docs/benchmarks/devices.md] SKIP_BUILD [unset]
#   KEEP_RUN_DIRS [unset]: 1 keeps each run's directory (service logs) under /tmp and prints where
#   START_MONGO [1]: 0 measures against a MongoDB already listening on EXTERNAL_MONGO_PORT [27017] of this host (a
#     real mongod) instead of the in-memory stand-in; the stand-in's CPU column is then empty
#   BENCH_JAVA_OPTS [-Xmx1g -XX:TieredStopAtLevel=1]: JVM options of the load generator. It shares the machine with
#     the stack it measures, which real devices do not: C1 only keeps its own compilation (a third of a core in its
#     first 20 s with C2) out of the stack's first seconds
set -euo pipefail
if [ "${1:-}" = --help ] || [ "${1:-}" = -h ]; then
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
  exit 0
fi
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

if [ "${SHORT:-}" = 1 ]; then
  RUNS=${RUNS:-1}
  COLD_SECONDS=${COLD_SECONDS:-20}
  OUTAGE_SECONDS=${OUTAGE_SECONDS:-30} KILL_AT=${KILL_AT:-8} RESTART_AFTER=${RESTART_AFTER:-6}
  STEADY_RATES=${STEADY_RATES:-1000,3000} STEADY_SECONDS=${STEADY_SECONDS:-15} STEADY_WARMUP=${STEADY_WARMUP:-20}
  COST_RATE=${COST_RATE:-500} COST_SECONDS=${COST_SECONDS:-20} COST_WARMUP=${COST_WARMUP:-10}
fi
RUNS=${RUNS:-3}
SCENARIOS=${SCENARIOS:-cold,outage,steady,cost}
DEVICES=${DEVICES:-1000}
PORT=${PORT:-18280}
COLD_RATE=${COLD_RATE:-300}
COLD_SECONDS=${COLD_SECONDS:-60}
OUTAGE_RATE=${OUTAGE_RATE:-300}
OUTAGE_SECONDS=${OUTAGE_SECONDS:-60}
KILL_AT=${KILL_AT:-20}
RESTART_AFTER=${RESTART_AFTER:-10}
STEADY_RATES=${STEADY_RATES:-1000,3000,5000}
STEADY_SECONDS=${STEADY_SECONDS:-30}
STEADY_WARMUP=${STEADY_WARMUP:-60}
COST_RATE=${COST_RATE:-1000}
COST_SECONDS=${COST_SECONDS:-60}
COST_WARMUP=${COST_WARMUP:-30}
OUT=${OUT:-docs/benchmarks/devices}
REPORT=${REPORT:-docs/benchmarks/devices.md}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
read -r -a BENCH <<<"${BENCH_JAVA_OPTS:--Xmx1g -XX:TieredStopAtLevel=1}"
BENCH+=(-cp pipeline-bench/target/pipeline-bench.jar)
INGEST_PORT=$PORT WORKER_PORT=$((PORT + 1)) KAFKA_PORT=$((PORT + 2)) CONTROLLER_PORT=$((PORT + 3))
MONGO_PORT=$((PORT + 4)) MQTT_PORT=$((PORT + 5)) FHIR_API_PORT=$((PORT + 6))
START_MONGO=${START_MONGO:-1}
if [ "$START_MONGO" != 1 ]; then
  # A real MongoDB instead of the stand-in: every run writes into its databases (they are not emptied between runs).
  MONGO_PORT=${EXTERNAL_MONGO_PORT:-27017}
fi
INGEST_MANAGEMENT_PORT=$((PORT + 7)) WORKER_MANAGEMENT_PORT=$((PORT + 8))
INFRA_JAR=embedded-infra/target/embedded-infra.jar

if [ "${SKIP_BUILD:-}" != 1 ]; then
  ./mvnw -B -q -DskipTests -pl embedded-infra,mqtt-broker,ingest-api,fhir-parser-worker,pipeline-bench -am package
fi
mkdir -p "$OUT"
scripts/mint-token.sh >/dev/null 2>&1
TOKEN=$(scripts/mint-token.sh --subject bench --scope "system/Observation.write fleet" --lifetime 14400 2>/dev/null)
NOTES="$OUT/notes.md"
has() { [[ ",$SCENARIOS," == *",$1,"* ]]; }
for s in cold outage steady cost; do
  if has "$s"; then rm -f "$OUT/$s".csv "$OUT/$s"-*.csv; fi
done
{
  echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores ($($JAVA -version 2>&1 | head -1)); RUNS=$RUNS$([ "${SHORT:-}" = 1 ] && echo ', SHORT=1 (validation pass: shortened steps, one run)')."
  echo "Load average (1 min) before each run, from /proc/loadavg:"
} >"$NOTES"
note_load() { echo "- $1: $(cut -d' ' -f1 /proc/loadavg)" >>"$NOTES"; }

STACK_PID="" BROKER_PID=""
stop_stack() {
  if [ -n "$STACK_PID" ]; then kill -TERM "$STACK_PID" 2>/dev/null || true; wait "$STACK_PID" 2>/dev/null || true; fi
  STACK_PID=""
  if [ -n "$BROKER_PID" ]; then kill -TERM "$BROKER_PID" 2>/dev/null || true; wait "$BROKER_PID" 2>/dev/null || true; fi
  BROKER_PID=""
}
trap stop_stack EXIT

# start_stack DIR [VAR=value ...]: scripts/run-local.sh in the background on this benchmark's ports.
start_stack() {
  local dir=$1
  shift
  env SKIP_BUILD=1 RUN_DIR="$dir" INGEST_HTTP_PORT=$INGEST_PORT WORKER_HTTP_PORT=$WORKER_PORT KAFKA_PORT=$KAFKA_PORT \
    KAFKA_CONTROLLER_PORT=$CONTROLLER_PORT MONGO_PORT=$MONGO_PORT MQTT_PORT=$MQTT_PORT \
    FHIR_API_HTTP_PORT=$FHIR_API_PORT START_FHIR_API=0 INGEST_MANAGEMENT_PORT=$INGEST_MANAGEMENT_PORT \
    WORKER_MANAGEMENT_PORT=$WORKER_MANAGEMENT_PORT MONGO_STORAGE=memory START_MONGO=$START_MONGO \
    MONGO_JAVA_OPTS="${MONGO_JAVA_OPTS:--Xms4g -Xmx4g -XX:MaxTenuringThreshold=0}" \
    INGEST_RATE_LIMIT_PER_SECOND=1000000 INGEST_RATE_LIMIT_BURST=1000000 "$@" \
    scripts/run-local.sh >"$dir/run-local.out" 2>&1 &
  STACK_PID=$!
}
await_stack() {
  local dir=$1
  for _ in $(seq 1 600); do
    grep -q "pipeline is up" "$dir/run-local.out" && return 0
    kill -0 "$STACK_PID" 2>/dev/null || break
    sleep 1
  done
  cat "$dir/run-local.out" >&2
  return 1
}
# start_broker DIR: a broker of this benchmark's own (it kills and restarts it); waits until it accepts clients.
start_broker() {
  local dir=$1 log
  log="$dir/broker-$(date +%s%N).log"
  "$JAVA" -Xmx512m -Dorg.mfc.fhir.infra.parent-pid=$$ -cp "$INFRA_JAR" org.mfc.fhir.infra.KafkaBrokerMain \
    --port "$KAFKA_PORT" --controller-port "$CONTROLLER_PORT" --log-dir "$dir/kafka" >"$log" 2>&1 &
  BROKER_PID=$!
  for _ in $(seq 1 1200); do grep -q '^KAFKA_READY' "$log" && return 0; sleep 0.1; done
  cat "$log" >&2
  return 1
}
now_ms() { date +%s%3N; }
done_with() {
  if [ "${KEEP_RUN_DIRS:-}" = 1 ]; then echo "run directory kept: $1"; else rm -rf "$1"; fi
}
# One measurement against a fresh stack that is ready before the load starts: its own run directory ($dir), the
# stack started and awaited, the measurement (a function), the stack stopped.
on_ready_stack() {
  dir=$(mktemp -d /tmp/bench-devices.XXXXXX)
  note_load "$1, run $run"
  start_stack "$dir"
  await_stack "$dir"
  "$2"
  stop_stack
  done_with "$dir"
}
steady_state() {
  "$JAVA" "${BENCH[@]}" org.mfc.fhir.bench.EndToEndBench --url "http://127.0.0.1:$INGEST_PORT" \
    --kafka "127.0.0.1:$KAFKA_PORT" --mongo "mongodb://127.0.0.1:$MONGO_PORT" --rates "$STEADY_RATES" \
    --duration "$STEADY_SECONDS" --warmup "$STEADY_WARMUP" --warmup-rate 1000 --devices "$DEVICES" \
    --out "$dir/end-to-end" --csv "$OUT/steady.csv" --label "$run" --token "$TOKEN" >"$dir/steady.out" 2>&1 \
    || { tail -n 20 "$dir/steady.out" >&2; echo "steady state, run $run: the load generator failed" >&2; return 1; }
  grep -E 'req/s:' "$dir/steady.out" || true
}
cost() {
  "$JAVA" "${BENCH[@]}" org.mfc.fhir.bench.CostBench --url "http://127.0.0.1:$INGEST_PORT" --token "$TOKEN" \
    --rate "$COST_RATE" --seconds "$COST_SECONDS" --warmup "$COST_WARMUP" --devices "$DEVICES" \
    --mongo "mongodb://127.0.0.1:$MONGO_PORT" --kafka "127.0.0.1:$KAFKA_PORT" \
    --ingest-metrics "http://127.0.0.1:$INGEST_MANAGEMENT_PORT/q/metrics" --worker-metrics "http://127.0.0.1:$WORKER_MANAGEMENT_PORT/q/metrics" \
    --pids "$dir/pids" --clk-tck "$(getconf CLK_TCK)" \
    --out "$OUT/cost-$run" --summary "$OUT/cost.csv" --label "$run" | head -n 2
}

for run in $(seq 1 "$RUNS"); do
  if has cold; then
    dir=$(mktemp -d /tmp/bench-devices.XXXXXX)
    note_load "cold start, run $run"
    start_stack "$dir"
    # The benchmark polls readiness itself and starts the load the moment the stack is ready: the worker and the
    # ingest API both answer 200 (on this machine they share two cores, so a worker still rehearsing its batch path
    # would take CPU from the API's first seconds: see docs/decisions.md, "Cold start measured from the stack's
    # readiness").
    "$JAVA" "${BENCH[@]}" org.mfc.fhir.bench.DeviceLatencyBench --url "http://127.0.0.1:$INGEST_PORT" --token "$TOKEN" \
      --rate "$COLD_RATE" --seconds "$COLD_SECONDS" --devices "$DEVICES" --mongo "mongodb://127.0.0.1:$MONGO_PORT" \
      --wait-ready "http://127.0.0.1:$WORKER_MANAGEMENT_PORT/q/health/ready,http://127.0.0.1:$INGEST_MANAGEMENT_PORT/q/health/ready" \
      --out "$OUT/cold-$run" --summary "$OUT/cold.csv" --label "$run" | tail -n 2
    stop_stack
    done_with "$dir"
  fi

  if has outage; then
    dir=$(mktemp -d /tmp/bench-devices.XXXXXX)
    note_load "broker outage, run $run"
    start_broker "$dir"
    start_stack "$dir" START_KAFKA=0
    await_stack "$dir"
    events="$dir/events"
    : >"$events"
    "$JAVA" "${BENCH[@]}" org.mfc.fhir.bench.DeviceLatencyBench --url "http://127.0.0.1:$INGEST_PORT" --token "$TOKEN" \
      --rate "$OUTAGE_RATE" --seconds "$OUTAGE_SECONDS" --devices "$DEVICES" --mongo "mongodb://127.0.0.1:$MONGO_PORT" \
      --events "$events" --kafka "127.0.0.1:$KAFKA_PORT" --audit true \
      --out "$OUT/outage-$run" --summary "$OUT/outage.csv" --label "$run" >"$dir/bench.out" 2>&1 &
    bench=$!
    for _ in $(seq 1 600); do grep -q '^LOAD_START' "$dir/bench.out" && break; sleep 0.1; done
    start_ms=$(grep '^LOAD_START' "$dir/bench.out" | cut -d' ' -f2)
    while [ $(( $(now_ms) - start_ms )) -lt $((KILL_AT * 1000)) ]; do sleep 0.05; done
    kill -KILL "$BROKER_PID"
    echo "$(now_ms) kill" >>"$events"
    wait "$BROKER_PID" 2>/dev/null || true
    sleep "$RESTART_AFTER"
    echo "$(now_ms) restart" >>"$events"
    start_broker "$dir"
    echo "$(now_ms) broker-ready" >>"$events"
    status=0
    wait "$bench" || status=$?
    tail -n 2 "$dir/bench.out"
    if [ "$status" -ne 0 ]; then
      tail -n 20 "$dir/bench.out" >&2
      echo "broker outage, run $run: the load generator failed (exit $status)" >&2
      exit 1
    fi
    stop_stack
    done_with "$dir"
  fi

  if has steady; then
    on_ready_stack "steady state" steady_state
  fi

  if has cost; then
    on_ready_stack "cost" cost
  fi
done

COMMAND="scripts/bench-devices.sh"
[ "${SHORT:-}" = 1 ] && COMMAND="SHORT=1 $COMMAND"
[ "$SCENARIOS" != cold,outage,steady,cost ] && COMMAND="SCENARIOS=$SCENARIOS $COMMAND"
"$JAVA" "${BENCH[@]}" org.mfc.fhir.bench.DevicesReport --results "$OUT" --out "$REPORT" --notes "$NOTES" \
  --command "$COMMAND"
