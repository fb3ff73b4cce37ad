#!/usr/bin/env bash
# Writes a synthetic legacy database (test data only: every known quirk planted, deterministic from --seed) and a
# manifest of the planted bad entries. The generator lives in pipeline-bench, never in a service image; builds the
# module first when its jar is missing or older than its sources. The database is always named: --main-db has no default.
#
#   scripts/generate-legacy.sh --mongo mongodb://127.0.0.1:27017 --main-db AMY --seed 42 --patients 100 \
#       --entries-per-bucket 20
#   scripts/generate-legacy.sh --mongo "$URI" --main-db AMY_BENCH --history-entries 1000000 --replace
#
# --replace drops the collections the generator writes first; without it a database with patients is refused
# (exit 2). --manifest FILE (default ./generate-manifest-<seed>.json).
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/{/^#/{s/^# \{0,1\}//;p}}' "$0"; exit 0 ;; esac
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

# Rebuilt when the jar is missing or older than a source it is built from (a pull, an edit).
stale() {
  [ ! -f "$1" ] || [ -n "$(cd "$ROOT" && find "${@:2}" \( -path '*/src/main/java/*' -o -path '*/src/main/resources/*' \) \
    -newer "$1" -print -quit 2>/dev/null)" ]
}
if stale "$ROOT/pipeline-bench/target/pipeline-bench.jar" pipeline-bench pipeline-test-support pipeline-core embedded-infra; then
  echo "building pipeline-bench (jar missing or older than its sources)" >&2
  (cd "$ROOT" && ./mvnw ${MVN_ARGS:-} -B -q -DskipTests -pl pipeline-bench -am package >&2)
fi
# shellcheck disable=SC2086 # JAVA_OPTS is a list of JVM options
exec "$JAVA" ${JAVA_OPTS:-} -cp "$ROOT/pipeline-bench/target/pipeline-bench.jar:$ROOT/pipeline-bench/target/lib/*" \
  org.mfc.fhir.bench.GenerateLegacyMain "$@"
