#!/usr/bin/env bash
# FHIR read API benchmark: loads OBSERVATIONS Observations (through the core's mapping and envelope, as the worker
# stores them) into a MongoDB, starts the packaged fhir-api against it, and drives it with open-loop load (constant
# arrival rate, latency from the intended send time, HdrHistogram) in three steps: read by id, a patient + code + date
# search returning a 50-entry page, and $lastn. Results: docs/benchmarks/fhir-api.{md,csv,png}.
#
#   scripts/bench-fhir-api.sh                                  # 1,000,000 Observations of 1,000 patients
#   OBSERVATIONS=50000 PATIENTS=100 RATE=20 scripts/bench-fhir-api.sh
#   READ_RATE, SEARCH_RATE, LASTN_RATE: the step's rate when it differs from RATE
#   MONGODB_URI=mongodb://host:27017 scripts/bench-fhir-api.sh # a real MongoDB instead of the in-memory stand-in
#
# Without MONGODB_URI the in-memory MongoDB wire server (embedded-infra) holds the data: it narrows queries only by
# indexes whose every key is an equality, so searches and $lastn scan the collection there (docs/decisions.md, "FHIR
# read API"). Loading is insert-if-absent: on a given MONGODB_URI a second run adds nothing to BENCH_DB.
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/{/^#/{s/^# \{0,1\}//;p}}' "$0"; exit 0 ;; esac
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

OBSERVATIONS=${OBSERVATIONS:-1000000}
PATIENTS=${PATIENTS:-1000}
RATE=${RATE:-50}
READ_RATE=${READ_RATE:-$RATE}
SEARCH_RATE=${SEARCH_RATE:-$RATE}
LASTN_RATE=${LASTN_RATE:-$RATE}
DURATION=${DURATION:-30}
WARMUP=${WARMUP:-15}
OUT=${OUT:-docs/benchmarks/fhir-api}
PORT=${BENCH_FHIR_API_PORT:-18182}
MONGO_PORT=${BENCH_MONGO_PORT:-18187}
MONGO_HEAP=${MONGO_HEAP:-6g}
BENCH_DB=${BENCH_DB:-MFC_FHIR_R5_BENCH}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

if [ "${SKIP_BUILD:-}" != 1 ]; then
  ./mvnw -B -q -DskipTests -pl embedded-infra,fhir-api,pipeline-bench -am package
fi
# The jar's manifest names its dependencies in target/lib.
BENCH_CP=pipeline-bench/target/pipeline-bench.jar

DIR=$(mktemp -d /tmp/bench-fhir-api.XXXXXX)
PIDS=()
stop_all() {
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill -TERM "${PIDS[$i]}" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$DIR"
}
trap stop_all EXIT

URI=${MONGODB_URI:-}
if [ -z "$URI" ]; then
  "$JAVA" -Xmx"$MONGO_HEAP" -XX:+UseParallelGC -Dorg.mfc.fhir.infra.parent-pid=$$ \
    -cp embedded-infra/target/embedded-infra.jar org.mfc.fhir.infra.MongoServerMain --port "$MONGO_PORT" \
    >"$DIR/mongo.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 300); do grep -q "^MONGO_READY" "$DIR/mongo.log" && break; sleep 0.2; done
  grep -q "^MONGO_READY" "$DIR/mongo.log" || { cat "$DIR/mongo.log"; exit 1; }
  URI="mongodb://127.0.0.1:$MONGO_PORT"
fi

echo "loading $OBSERVATIONS Observations of $PATIENTS patients into $BENCH_DB..."
"$JAVA" -Xmx1g -cp "$BENCH_CP" org.mfc.fhir.bench.FhirReadBench load --mongo "$URI" --db "$BENCH_DB" \
  --observations "$OBSERVATIONS" --patients "$PATIENTS"

scripts/mint-token.sh >/dev/null 2>&1
TOKEN=$(scripts/mint-token.sh --subject bench-reader --audience mfc-fhir --scope 'system/*.read' --lifetime 7200 \
  2>/dev/null)
FHIR_API_HTTP_PORT=$PORT MONGODB_URI="$URI" MONGODB_FHIR_DB="$BENCH_DB" FHIR_API_AUDIT_LOG_LEVEL=WARN \
  JWT_PUBLIC_KEY_LOCATION="$ROOT/.local/keys/jwt-public.pem" \
  "$JAVA" -Xmx512m -jar fhir-api/target/quarkus-app/quarkus-run.jar >"$DIR/fhir-api.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 600); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/q/health/ready" 2>/dev/null && break; sleep 0.5; done
curl -fsS -o /dev/null "http://127.0.0.1:$PORT/q/health/ready" || { tail -40 "$DIR/fhir-api.log"; exit 1; }

rm -f "$OUT.csv"
"$JAVA" -Xmx512m -cp "$BENCH_CP" org.mfc.fhir.bench.FhirReadBench run --url "http://127.0.0.1:$PORT" \
  --token "$TOKEN" --mongo "$URI" --db "$BENCH_DB" --rate "$RATE" --read-rate "$READ_RATE" \
  --search-rate "$SEARCH_RATE" --lastn-rate "$LASTN_RATE" --duration "$DURATION" --warmup "$WARMUP" \
  --out "$OUT" \
  --title "FHIR read API: latency from intended send time to answer (open loop, $(nproc) cores, MongoDB on the same box)" \
  --command "OBSERVATIONS=$OBSERVATIONS PATIENTS=$PATIENTS READ_RATE=$READ_RATE SEARCH_RATE=$SEARCH_RATE LASTN_RATE=$LASTN_RATE DURATION=$DURATION scripts/bench-fhir-api.sh"
echo "report: $OUT.md, plot: $OUT.png"
