#!/usr/bin/env bash
# Every fault run of pipeline-e2e in its long form, one after the other, then the table of results: load held,
# statuses the devices saw, recovery, acknowledged against stored, duplicates. Each run's timeline (latency and
# statuses per second, fault steps marked) is copied next to the table as a PNG and a CSV.
# Results: docs/faults/runs.md (+ docs/faults/<run>.png, <run>-timeline.csv). Exits non-zero when a run failed (its
# table is still written) or nothing was measured (the committed report is then left as it was).
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
status=0
# shellcheck disable=SC2086
FAULT_RUN_SECONDS=$SECONDS_PER_RUN FAULT_RUN_RATE=$RATE ./mvnw -B ${MVN_ARGS:-} verify -pl pipeline-e2e -am \
  -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test="$RUNS" -Dfailsafe.failIfNoSpecifiedTests=false \
  || status=$?
if [ ! -s "$RESULTS/summary.csv" ]; then
  # Nothing measured (the build or every run failed before its summary): the committed report stays as it was.
  echo "no fault run wrote a result (exit $status); $OUT/runs.md left unchanged" >&2
  exit $(( status == 0 ? 1 : status ))
fi
[ "$status" -eq 0 ] || echo "some fault runs failed; the table shows what they measured" >&2

mkdir -p "$OUT"
report=$(mktemp)
trap 'rm -f "$report"' EXIT
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
} >"$report"
cat "$report" >"$OUT/runs.md"
cp "$RESULTS"/*.png "$RESULTS"/*-timeline.csv "$RESULTS"/*-steps.csv "$OUT/" 2>/dev/null || true
cp "$RESULTS/summary.csv" "$OUT/runs.csv"
echo "written: $OUT/runs.md"
# A failed run (lost readings, an unmet bound) fails the script too, after its table is written.
exit "$status"
