#!/usr/bin/env bash
# Every fault run of pipeline-e2e in its long form, one after the other, then the table of results: load held,
# statuses the devices saw, recovery, acknowledged against stored, duplicates. Each run's timeline (latency and
# statuses per second, fault steps marked) is copied next to the table as a PNG and a CSV.
# Results: docs/faults/runs.md (+ docs/faults/<run>.png, <run>-timeline.csv).
#
#   SECONDS_PER_RUN=120 RATE=300 scripts/fault-runs.sh
#   RUNS='NetworkFaultIT' MVN_ARGS="-o -Dmaven.repo.local=/tmp/m2" scripts/fault-runs.sh
#   RUNS='MqttIngestKillFaultIT,MqttKafkaKillFaultIT,MqttSharedIngestKillFaultIT' scripts/fault-runs.sh   (devices on MQTT)
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/{/^#/{s/^# \{0,1\}//;p}}' "$0"; exit 0 ;; esac
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

SECONDS_PER_RUN=${SECONDS_PER_RUN:-120}
RATE=${RATE:-300}
RUNS=${RUNS:-BrokerKillFaultIT,MongoOutageFaultIT,WorkerKillFaultIT,IngestRestartFaultIT,NetworkFaultIT,MqttIngestKillFaultIT,MqttKafkaKillFaultIT,MqttSharedIngestKillFaultIT}
OUT=${OUT:-docs/faults}
RESULTS=pipeline-e2e/target/fault-runs

rm -rf "$RESULTS"
# shellcheck disable=SC2086
FAULT_RUN_SECONDS=$SECONDS_PER_RUN FAULT_RUN_RATE=$RATE ./mvnw -B ${MVN_ARGS:-} verify -pl pipeline-e2e -am \
  -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test="$RUNS" -Dfailsafe.failIfNoSpecifiedTests=false \
  || echo "some fault runs failed; the table below shows what they measured" >&2

mkdir -p "$OUT"
{
  echo "# Fault runs, long form"
  echo
  echo "Reproduce: \`SECONDS_PER_RUN=$SECONDS_PER_RUN RATE=$RATE RUNS='$RUNS' scripts/fault-runs.sh\`"
  echo "($(date -u +%Y-%m-%d), $(nproc) cores, every process on this machine)"
  echo
  echo "| fault | offered / achieved req/s | requests | statuses seen by clients (all attempts; -1 = no answer) | acknowledged | stored | lost | stored, unacknowledged | unexplained | legacy duplicates | legacy missing | degraded seconds from the first fault step (a failure, no answer or p99 > 1 s) | served normally again, after the last step (s) | drain after load and retries (s) |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  tail -n +2 "$RESULTS/summary.csv" | awk -F, '{ printf "| %s | %s / %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15 }'
  echo
  for png in "$RESULTS"/*.png; do
    [ -e "$png" ] || continue
    name=$(basename "$png" .png)
    echo "![$name]($name.png)"
    echo
  done
} >"$OUT/runs.md"
cp "$RESULTS"/*.png "$RESULTS"/*-timeline.csv "$RESULTS"/*-steps.csv "$OUT/" 2>/dev/null || true
cp "$RESULTS/summary.csv" "$OUT/runs.csv"
echo "written: $OUT/runs.md"
