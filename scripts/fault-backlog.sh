#!/usr/bin/env bash
# Backlog run, long form: the worker is stopped while devices keep sending until READINGS readings wait on the topic
# (built through the ingest API, one AVA4 reading per request, at RATE requests/s), then it is started again. Records
# the backlog size, drain time and rate, the worker's peak RSS (VmRSS from /proc) and the lag (records and seconds)
# once a second, and checks every acknowledged reading is stored once. The driver is BacklogDrainIT (pipeline-e2e);
# CI runs its shortened form (20,000 readings). The drain is bounded by 60 s + backlog / 100 readings/s. MongoDB is
# the in-memory wire server, whose heap holds everything stored: MONGO_HEAP [12g]. DEVICES [5000] boxes send the
# readings, one patient each (a million readings is then 200 per patient bucket; the CI form uses 50 boxes).
# Results: docs/faults/backlog.{md,csv,png}.
#
#   READINGS=1000000 RATE=2500 scripts/fault-backlog.sh
#   MVN_ARGS="-o -Dmaven.repo.local=/tmp/m2" scripts/fault-backlog.sh      # extra Maven arguments
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/{/^#/{s/^# \{0,1\}//;p}}' "$0"; exit 0 ;; esac
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

READINGS=${READINGS:-1000000}
RATE=${RATE:-2500}
MONGO_HEAP=${MONGO_HEAP:-12g}
DEVICES=${DEVICES:-5000}
OUT=${OUT:-docs/faults}

rm -f pipeline-e2e/target/fault-runs/backlog.*
# shellcheck disable=SC2086
FAULT_BACKLOG_READINGS=$READINGS FAULT_BACKLOG_RATE=$RATE FAULT_BACKLOG_MONGO_HEAP=$MONGO_HEAP \
  FAULT_BACKLOG_DEVICES=$DEVICES ./mvnw -B ${MVN_ARGS:-} verify -pl pipeline-e2e -am \
  -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=BacklogDrainIT \
  -Dfailsafe.failIfNoSpecifiedTests=false
mkdir -p "$OUT"
cp pipeline-e2e/target/fault-runs/backlog.md pipeline-e2e/target/fault-runs/backlog.csv \
  pipeline-e2e/target/fault-runs/backlog.png "$OUT/"
printf '\nReproduce: `READINGS=%s RATE=%s DEVICES=%s scripts/fault-backlog.sh`\n' "$READINGS" "$RATE" "$DEVICES" \
  >>"$OUT/backlog.md"
echo "written: $OUT/backlog.md $OUT/backlog.csv $OUT/backlog.png"
