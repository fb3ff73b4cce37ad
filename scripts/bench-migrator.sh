#!/usr/bin/env bash
# Migrator benchmark: generates a synthetic legacy database (default 1,000,000 history entries) into a Mongo wire
# server (mongo-java-server in its own JVM, the indexed in-memory stand-in by default; MONGO_FILE=<path> for the H2
# file-backed one), runs `convert` on it with a bounded heap, and reports entries/s (from the job's own report) and
# the peak RSS of the migrator (/usr/bin/time -v, or VmHWM from /proc when GNU time is absent). The migrator runs
# from a copy of its jar, so rebuilding the module during a long run is harmless. Run it at two sizes to see that
# memory does not follow the data size.
#
# The in-memory stand-in holds the source and every converted document in its heap: a million entries (the source
# buckets plus the FHIR documents converted from them) leave ~5.5 GB live, hence MONGO_HEAP [14g]. MONGO_JAVA_OPTS
# [-XX:MaxTenuringThreshold=0]: everything the stand-in stores lives until it exits, and promoting it at its first
# collection saves copying each stored document between survivor spaces (a fifth of the stand-in's GC time).
# Against a real mongod: BENCH_MONGODB_URI=mongodb://host:27017 (databases AMY_BENCH and FHIR_BENCH are written).
#
#   scripts/bench-migrator.sh                              # 1,000,000 entries, 2,000 patients
#   ENTRIES=200000 scripts/bench-migrator.sh
#   ENTRIES=1000000 PATIENTS=5000 BATCH=2000 MIGRATOR_HEAP=512m scripts/bench-migrator.sh
#   MIGRATOR_JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/convert.jfr" scripts/bench-migrator.sh   # profile
#   MONGO_JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/mongo.jfr" scripts/bench-migrator.sh   # the stand-in's
#   MVN_ARGS="-o -Dmaven.repo.local=/tmp/m2" scripts/bench-migrator.sh   # arguments for the Maven wrapper (build)
#
# Besides entries/s (wall clock, bound by whichever of the migrator and the database is slower), the line reports
# the migrator's own CPU seconds (user + system): entries per migrator CPU second is the conversion cost without
# the database, which on this machine shares the same cores.
#
# Results are appended to $OUT (default docs/benchmarks/migrator.md).
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/{/^#/{s/^# \{0,1\}//;p}}' "$0"; exit 0 ;; esac
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

ENTRIES=${ENTRIES:-1000000}
PATIENTS=${PATIENTS:-2000}
BATCH=${BATCH:-500}
SEED=${SEED:-42}
MIGRATOR_HEAP=${MIGRATOR_HEAP:-512m}
MIGRATOR_JAVA_OPTS=${MIGRATOR_JAVA_OPTS:-}
MONGO_HEAP=${MONGO_HEAP:-14g}
MONGO_JAVA_OPTS=${MONGO_JAVA_OPTS:--XX:MaxTenuringThreshold=0}
OUT=${OUT:-docs/benchmarks/migrator.md}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JAR=fhir-migrator/target/quarkus-app/quarkus-run.jar

if [ ! -f "$JAR" ] || [ ! -f embedded-infra/target/embedded-infra.jar ] || [ ! -f pipeline-bench/target/pipeline-bench.jar ]; then
  ./mvnw ${MVN_ARGS:-} -B -q -DskipTests -pl embedded-infra,fhir-migrator,pipeline-bench -am package
fi

WORK=$(mktemp -d /tmp/bench-migrator.XXXXXX)
MONGO_PID=""
OK=""
cleanup() {
  if [ -n "$MONGO_PID" ]; then kill "$MONGO_PID" 2>/dev/null || true; wait "$MONGO_PID" 2>/dev/null || true; fi
  if [ -n "$OK" ]; then rm -rf "$WORK"; else echo "bench failed; logs kept in $WORK (remove it when done)" >&2; fi
}
trap cleanup EXIT
trap 'exit 143' INT TERM

MONGO_FILE=${MONGO_FILE:-memory}
cp -r fhir-migrator/target/quarkus-app "$WORK/app"
JAR="$WORK/app/quarkus-run.jar"
if [ -n "${BENCH_MONGODB_URI:-}" ]; then
  URI=$BENCH_MONGODB_URI
  MONGO_FILE=external
else
  MONGO_ARGS=(--port 0)
  if [ "$MONGO_FILE" != memory ]; then MONGO_ARGS+=(--file "$MONGO_FILE"); fi
  # shellcheck disable=SC2086
  "$JAVA" "-Xmx$MONGO_HEAP" $MONGO_JAVA_OPTS -cp "embedded-infra/target/embedded-infra.jar:embedded-infra/target/lib/*" \
    org.mfc.fhir.infra.MongoServerMain "${MONGO_ARGS[@]}" >"$WORK/mongo.out" 2>&1 &
  MONGO_PID=$!
  for _ in $(seq 1 60); do grep -q MONGO_READY "$WORK/mongo.out" && break; sleep 0.5; done
  URI=$(grep MONGO_READY "$WORK/mongo.out" | awk '{print $2}')
  [ -n "$URI" ] || { cat "$WORK/mongo.out"; exit 1; }
fi

export MONGODB_URI="$URI" MONGODB_MAIN_DB=AMY_BENCH MONGODB_FHIR_DB=FHIR_BENCH MIGRATION_BATCH_SIZE="$BATCH" \
  MIGRATION_REPORT_DIR="$WORK/reports"
# The test-data generator is not in the migrator image (scripts/generate-legacy.sh, pipeline-bench).
JAVA_OPTS=-Xmx1g scripts/generate-legacy.sh --mongo "$URI" --main-db AMY_BENCH --replace --seed "$SEED" \
  --patients "$PATIENTS" --history-entries "$ENTRIES" --manifest "$WORK/reports/generate-manifest-$SEED.json" \
  | grep -E '^generated'

# A previous run's resources and checkpoints would make convert a no-op.
"$JAVA" -Xmx512m -jar "$JAR" rollback --convert --yes >/dev/null

# Sets RSS_KB, CPU_S and CONVERT_STATUS (the migrator's exit: 0, or 3 when the reject share is over its bound, which
# still measures the run; anything else is a failed run).
run_convert() {
  CONVERT_STATUS=0
  if command -v /usr/bin/time >/dev/null 2>&1; then
    # shellcheck disable=SC2086
    /usr/bin/time -v "$JAVA" "-Xmx$MIGRATOR_HEAP" $MIGRATOR_JAVA_OPTS -jar "$JAR" convert >"$WORK/convert.out" \
      2>"$WORK/time.out" || CONVERT_STATUS=$?
    RSS_KB=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$WORK/time.out")
    CPU_S=$(awk -F: '/User time|System time/ {s += $2} END {printf "%.1f", s}' "$WORK/time.out")
  else
    # shellcheck disable=SC2086
    "$JAVA" "-Xmx$MIGRATOR_HEAP" $MIGRATOR_JAVA_OPTS -jar "$JAR" convert >"$WORK/convert.out" 2>&1 &
    local pid=$! peak=0 now ticks=0
    while kill -0 "$pid" 2>/dev/null; do
      now=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
      [ "${now:-0}" -gt "$peak" ] && peak=$now
      ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo "$ticks")
      sleep 1
    done
    wait "$pid" || CONVERT_STATUS=$?
    RSS_KB=$peak
    CPU_S=$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", t / hz}')
  fi
}
run_convert
if [ "$CONVERT_STATUS" -ne 0 ] && [ "$CONVERT_STATUS" -ne 3 ]; then
  echo "convert failed (exit $CONVERT_STATUS); nothing recorded" >&2
  tail -20 "$WORK/convert.out" >&2; tail -5 "$WORK/mongo.out" >&2; exit 1
fi
REPORT=$(ls "$WORK"/reports/convert-*.json | head -1)
RATE=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d['entries_per_second'])" "$REPORT")
SECONDS_TAKEN=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(round(d['duration_seconds'],1))" "$REPORT")
TOTAL=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d['total']['entries'])" "$REPORT")
grep -E "^duration|reject share" "$WORK/convert.out" || true
PER_CPU=$(awk -v n="$TOTAL" -v c="$CPU_S" 'BEGIN {if (c > 0) printf "%.0f", n / c; else print "-"}')
SPLIT=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1]))['details']; print('map %.1f s, write %.1f s' % (d['history_map_seconds'], d['history_write_seconds']))" "$REPORT")

LINE="| $(date -u +%Y-%m-%dT%H:%MZ) | $TOTAL | $PATIENTS | $BATCH | ${SECONDS_TAKEN}s | $RATE | ${CPU_S} s ($PER_CPU entries/CPU-s; $SPLIT) | $((RSS_KB / 1024)) MiB (heap $MIGRATOR_HEAP) | $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), Mongo $(case "$MONGO_FILE" in memory) echo stand-in in-memory;; external) echo external;; *) echo stand-in H2 file;; esac) |"
mkdir -p "$(dirname "$OUT")"
if ! grep -q '^| when |' "$OUT" 2>/dev/null; then
  {
    [ -f "$OUT" ] || echo "# Migrator benchmark (scripts/bench-migrator.sh)"
    echo
    echo "## Script runs"
    echo
    echo "| when | entries | patients | batch | convert time | entries/s | migrator CPU | peak RSS | machine |"
    echo "|---|---|---|---|---|---|---|---|---|"
  } >>"$OUT"
fi
echo "$LINE" >>"$OUT"
echo "$LINE"
OK=1
