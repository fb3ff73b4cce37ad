#!/usr/bin/env bash
# Prints the newest Observations stored in the FHIR database as R5 JSON.
# Usage: scripts/show-observations.sh [INGEST_ID]   (MONGODB_URI, MONGODB_FHIR_DB, LIMIT may be set)
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/{/^#/{s/^# \{0,1\}//;p}}' "$0"; exit 0 ;; esac
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LIB="$ROOT/embedded-infra/target/lib"
[ -d "$LIB" ] || { echo "run scripts/run-local.sh first (it builds embedded-infra/target/lib)" >&2; exit 1; }
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
exec "$JAVA" -cp "$LIB/*" "$ROOT/scripts/ShowObservations.java" \
  "${MONGODB_URI:-mongodb://127.0.0.1:${MONGO_PORT:-27017}}" "${MONGODB_FHIR_DB:-MFC_FHIR_R5}" "${LIMIT:-5}" "$@"
