#!/usr/bin/env bash
# Mapping throughput per core (issue 4), JMH: one thread maps a mix of every measurement kind to its Observations,
# Devices and Provenance and encodes each into the storage envelope (no database). One operation = one reading, so
# the score is readings/s per thread. Target: >= 20,000 readings/s. Two encoders are measured in the same run:
# `bson` (the pipeline's, FhirBson) and `hapi-json` (the previous route: HAPI JSON string, then Document.parse).
#
#   scripts/bench-mapping.sh                         # 1 fork, 1 thread, 5 x 2 s warm-up, 10 x 2 s measurement
#   WARMUP=3 ITERATIONS=5 SECONDS_PER_ITERATION=1 scripts/bench-mapping.sh
#   scripts/bench-mapping.sh -p encoder=bson -p devices=every-reading   # extra arguments go to JMH
#   MVN_ARGS="-o -Dmaven.repo.local=/tmp/m2" scripts/bench-mapping.sh    # arguments for the Maven wrapper
#
# Run it on an idle machine for a meaningful number; the JMH result file is pipeline-bench/target/jmh-mapping.json.
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/{/^#/{s/^# \{0,1\}//;p}}' "$0"; exit 0 ;; esac
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw ${MVN_ARGS:-} -B -q -DskipTests -pl pipeline-bench -am package
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
exec "$JAVA" -cp "pipeline-bench/target/pipeline-bench.jar:pipeline-bench/target/lib/*" org.openjdk.jmh.Main \
  'org.mfc.fhir.bench.MappingBenchmark' -f 1 -t 1 \
  -wi "${WARMUP:-5}" -w "${SECONDS_PER_ITERATION:-2}s" -i "${ITERATIONS:-10}" -r "${SECONDS_PER_ITERATION:-2}s" \
  -jvmArgs "-Xmx512m -XX:+UseParallelGC" -rf json -rff pipeline-bench/target/jmh-mapping.json "$@"
