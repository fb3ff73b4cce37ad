#!/usr/bin/env bash
# Publishes a file to the devices' MQTT broker as a device would (MQTT 5, QoS 1), like mosquitto_pub, with the
# project's own client (no package to install). Prints whether the broker acknowledged.
#
#   scripts/mqtt-pub.sh -h 127.0.0.1 -p 1883 -u ava4 -P PASSWORD -t dusun_pub -f payload.json
case "${1:-}" in --help) sed -n '2,/^[^#]/{/^#/{s/^# \{0,1\}//;p}}' "$0"; exit 0 ;; esac
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR="$ROOT/mqtt-broker/target/mqtt-broker.jar"
host=127.0.0.1 port=1883 user='' password='' topic='' file=''
while [ $# -gt 0 ]; do
  case "$1" in
    -h) host=$2 ;; -p) port=$2 ;; -u) user=$2 ;; -P) password=$2 ;; -t) topic=$2 ;; -f) file=$2 ;;
    *) echo "usage: $0 -h HOST -p PORT -u USER -P PASSWORD -t TOPIC -f FILE" >&2; exit 2 ;;
  esac
  shift 2
done
# Rebuilt when the jar is missing or older than a source it is built from (a pull, an edit).
stale() {
  [ ! -f "$1" ] || [ -n "$(cd "$ROOT" && find "${@:2}" \( -path '*/src/main/java/*' -o -path '*/src/main/resources/*' \) \
    -newer "$1" -print -quit 2>/dev/null)" ]
}
if stale "$JAR" mqtt-broker; then (cd "$ROOT" && ./mvnw -B -q -DskipTests -pl mqtt-broker package >&2); fi
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -cp "$JAR" org.mfc.fhir.mqtt.broker.MqttPublishMain \
  --host "$host" --port "$port" --user "$user" --password "$password" --topic "$topic" --file "$file"
