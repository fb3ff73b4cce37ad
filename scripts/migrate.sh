#!/usr/bin/env bash
# Runs the FHIR migrator (fhir-migrator, Quarkus command mode) with the given operation and options; builds the
# module first when its jar is missing or older than its sources. Configuration comes from the environment (fhir-migrator/README.md):
# MONGODB_URI, MONGODB_MAIN_DB, MONGODB_FHIR_DB, MIGRATION_BATCH_SIZE, MIGRATION_REPORT_DIR, ...
#
#   scripts/migrate.sh analyze
#   scripts/migrate.sh move-fhir [--drop-source]
#   scripts/migrate.sh convert [--restart] [--max-reject-share 0.05]
#   scripts/migrate.sh verify [--sample-every 50]
#   scripts/migrate.sh rederive [--skip-topic] [--restart]   (after a mapping change; KAFKA_BOOTSTRAP_SERVERS)
#   scripts/migrate.sh rollback --convert [--move] --yes
#
# Synthetic test data is not made by the migrator: scripts/generate-legacy.sh (pipeline-bench).
#
# The exit code is the job's: 0 done, 1 verification/integrity failure, 2 usage, 3 rejects above the limit.
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/{/^#/{s/^# \{0,1\}//;p}}' "$0"; exit 0 ;; esac
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR="$ROOT/fhir-migrator/target/quarkus-app/quarkus-run.jar"
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

# Rebuilt when the jar is missing or older than a source it is built from (a pull, an edit).
stale() {
  [ ! -f "$1" ] || [ -n "$(cd "$ROOT" && find "${@:2}" \( -path '*/src/main/java/*' -o -path '*/src/main/resources/*' \) \
    -newer "$1" -print -quit 2>/dev/null)" ]
}
if stale "$JAR" fhir-migrator pipeline-core; then
  echo "building fhir-migrator (jar missing or older than its sources)" >&2
  (cd "$ROOT" && ./mvnw -B -q -DskipTests -pl fhir-migrator -am package >&2)
fi
# shellcheck disable=SC2086 # JAVA_OPTS is a list of JVM options
exec "$JAVA" ${JAVA_OPTS:-} -jar "$JAR" "$@"
