#!/usr/bin/env bash
# Prints the stored form of an MQTT password for mqtt-broker/config/access.conf ('user NAME <hash>'), so an access
# file can hold hashes instead of env: references. Reads the password from standard input.
#
#   echo -n 'the password' | scripts/mqtt-passwd.sh
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/{/^#/{s/^# \{0,1\}//;p}}' "$0"; exit 0 ;; esac
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR="$ROOT/mqtt-broker/target/mqtt-broker.jar"
# Rebuilt when the jar is missing or older than a source it is built from (a pull, an edit).
stale() {
  [ ! -f "$1" ] || [ -n "$(cd "$ROOT" && find "${@:2}" \( -path '*/src/main/java/*' -o -path '*/src/main/resources/*' \) \
    -newer "$1" -print -quit 2>/dev/null)" ]
}
if stale "$JAR" mqtt-broker; then (cd "$ROOT" && ./mvnw -B -q -DskipTests -pl mqtt-broker package >&2); fi
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -cp "$JAR" org.mfc.fhir.mqtt.broker.PasswordHash
