#!/usr/bin/env bash
# Runs the whole pipeline on this machine without Docker: a real Kafka broker (KRaft), a file-backed MongoDB
# wire server and the devices' MQTT broker as child JVMs, then fhir-parser-worker, ingest-api (subscribed to the
# device topics) and fhir-api (the FHIR R5 read API) from their packaged jars. Waits until all are healthy, prints
# where to POST, what to publish and how to read what was stored. Ctrl-C stops everything; no process is left behind.
#
# Ports and paths can be changed with environment variables (defaults in brackets):
#   INGEST_HTTP_PORT [8080]  WORKER_HTTP_PORT [8081]  FHIR_API_HTTP_PORT [8082]  KAFKA_PORT [9092]
#   KAFKA_CONTROLLER_PORT [9093]  MONGO_PORT [27017]  MQTT_PORT [1883]
#   INGEST_MANAGEMENT_PORT [9000]  WORKER_MANAGEMENT_PORT [9001] (health, metrics; OpenAPI on the ingest API's)
#   RUN_DIR [.local/run]  (broker log, MQTT sessions and Mongo data live there and survive restarts; the MQTT
#   accounts' passwords are generated once into RUN_DIR/mqtt-passwords.env)
#   MONGODB_MAIN_DB [AMY]  MONGODB_FHIR_DB [MFC_FHIR_R5]  FHIR_QUEUE_NAME [fhir.readings]  ENABLE_ASYNC_FHIR [true]
#   MONGO_STORAGE [file]: "memory" keeps MongoDB data in memory only (benchmarks)
#   SKIP_BUILD [unset]: set to 1 to run the jars as they are, without checking whether sources changed
#   INGEST_JAVA_OPTS [-Xmx512m]  WORKER_JAVA_OPTS [-Xmx512m]  FHIR_API_JAVA_OPTS [-Xmx512m]: JVM options of the
#                     services
#   MONGO_JAVA_OPTS [-Xmx1g]: JVM options of the MongoDB wire server (with MONGO_STORAGE=memory its heap holds
#                     every stored document: benchmarks raise it)
#   START_WORKER [1]: 0 starts everything but the worker (the ingest benchmark measures the API and broker alone;
#                     readings then wait on the topic until a worker runs)
#   START_KAFKA [1]: 0 uses a broker already listening on KAFKA_PORT, started by the caller (a benchmark that kills
#                    and restarts it while the pipeline runs)
#   START_FHIR_API [1]: 0 does not start the read API
#   START_MONGO [1]: 0 uses a MongoDB already listening on MONGO_PORT instead of the wire server (a real mongod, or
#                    `docker run -p 27017:27017 mongo:7` where Docker runs): measurements without the stand-in
#   WORKER_NICE [10]: scheduling niceness of the worker (0 to 19). Everything here shares one machine; the worker's
#                     work can wait a moment, a device waiting for its answer cannot (docs/decisions.md, "On one
#                     machine the API goes first")
# Each process's pid is written to RUN_DIR/pids/<name>.pid (mongo, kafka, mqtt-broker, fhir-parser-worker,
# ingest-api, fhir-api).
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/{/^#/{s/^# \{0,1\}//;p}}' "$0"; exit 0 ;; esac
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CALLER_DIR=$PWD
cd "$ROOT"

INGEST_HTTP_PORT=${INGEST_HTTP_PORT:-8080}
WORKER_HTTP_PORT=${WORKER_HTTP_PORT:-8081}
INGEST_MANAGEMENT_PORT=${INGEST_MANAGEMENT_PORT:-9000}
WORKER_MANAGEMENT_PORT=${WORKER_MANAGEMENT_PORT:-9001}
FHIR_API_HTTP_PORT=${FHIR_API_HTTP_PORT:-8082}
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
MONGO_PORT=${MONGO_PORT:-27017}
MQTT_PORT=${MQTT_PORT:-1883}
RUN_DIR=${RUN_DIR:-$ROOT/.local/run}
export MONGODB_MAIN_DB=${MONGODB_MAIN_DB:-AMY}
export MONGODB_FHIR_DB=${MONGODB_FHIR_DB:-MFC_FHIR_R5}
export FHIR_QUEUE_NAME=${FHIR_QUEUE_NAME:-fhir.readings}
export ENABLE_ASYNC_FHIR=${ENABLE_ASYNC_FHIR:-true}
START_WORKER=${START_WORKER:-1}
START_KAFKA=${START_KAFKA:-1}
START_FHIR_API=${START_FHIR_API:-1}
START_MONGO=${START_MONGO:-1}
INGEST_JAVA_OPTS=${INGEST_JAVA_OPTS:--Xmx512m}
WORKER_JAVA_OPTS=${WORKER_JAVA_OPTS:--Xmx512m}
FHIR_API_JAVA_OPTS=${FHIR_API_JAVA_OPTS:--Xmx512m}
MONGO_JAVA_OPTS=${MONGO_JAVA_OPTS:--Xmx1g}
WORKER_NICE=${WORKER_NICE:-10}
[[ "$WORKER_NICE" =~ ^[0-9]+$ ]] && [ "$WORKER_NICE" -le 19 ] ||
  { echo "WORKER_NICE must be a whole number from 0 to 19, not '$WORKER_NICE'" >&2; exit 1; }
export KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:${KAFKA_PORT}"
export MONGODB_URI="mongodb://127.0.0.1:${MONGO_PORT}"

LOG_DIR="$RUN_DIR/logs"
PID_DIR="$RUN_DIR/pids"
mkdir -p "$LOG_DIR" "$PID_DIR"
INFRA_JAR="$ROOT/embedded-infra/target/embedded-infra.jar"
MQTT_JAR="$ROOT/mqtt-broker/target/mqtt-broker.jar"
INGEST_JAR="$ROOT/ingest-api/target/quarkus-app/quarkus-run.jar"
WORKER_JAR="$ROOT/fhir-parser-worker/target/quarkus-app/quarkus-run.jar"
FHIR_API_JAR="$ROOT/fhir-api/target/quarkus-app/quarkus-run.jar"
PIDS=()

say() { printf '\033[1m[run-local]\033[0m %s\n' "$*"; }

stop_all() {
  trap - INT TERM EXIT
  if [ ${#PIDS[@]} -gt 0 ]; then
    say "stopping ${#PIDS[@]} process(es)..."
    # Reverse order: services first, then the broker and the database they write to.
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill -TERM "${PIDS[$i]}" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -KILL "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    done
  fi
  say "stopped."
}
trap 'stop_all; exit 130' INT TERM
trap stop_all EXIT

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORTS=("$INGEST_HTTP_PORT" "$WORKER_HTTP_PORT" "$INGEST_MANAGEMENT_PORT" "$WORKER_MANAGEMENT_PORT" "$MQTT_PORT")
[ "$START_MONGO" = 1 ] && PORTS+=("$MONGO_PORT")
[ "$START_FHIR_API" = 1 ] && PORTS+=("$FHIR_API_HTTP_PORT")
[ "$START_KAFKA" = 1 ] && PORTS+=("$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT")
for p in "${PORTS[@]}"; do
  port_free "$p" || { echo "port $p is in use; set the matching *_PORT variable (see the header of $0)" >&2; exit 1; }
done

needs_build() {
  for jar in "$INFRA_JAR" "$MQTT_JAR" "$INGEST_JAR" "$WORKER_JAR" "$FHIR_API_JAR"; do [ -f "$jar" ] || return 0; done
  [ -n "$(find mqtt-broker -path '*/src/main/*' -newer "$MQTT_JAR" -print -quit 2>/dev/null)" ] && return 0
  for jar in "$INGEST_JAR" "$WORKER_JAR" "$FHIR_API_JAR"; do
    [ -n "$(find pipeline-core embedded-infra ingest-api fhir-parser-worker fhir-api -path '*/src/main/*' -newer "$jar" -print -quit 2>/dev/null)" ] && return 0
  done
  return 1
}
if [ "${SKIP_BUILD:-}" != 1 ] && needs_build; then
  say "building the services (first time: a few minutes, then seconds)..."
  ./mvnw -B -q -DskipTests -pl embedded-infra,mqtt-broker,ingest-api,fhir-parser-worker,fhir-api -am install
fi

JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
OWNER="-Dorg.mfc.fhir.infra.parent-pid=$$"

# await_line FILE PREFIX TIMEOUT_S: waits until a line starting with PREFIX appears in FILE.
await_line() {
  local file=$1 prefix=$2 timeout=$3
  for _ in $(seq 1 $((timeout * 5))); do
    grep -q "^$prefix" "$file" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "timed out waiting for $prefix; last lines of $file:" >&2; tail -n 30 "$file" >&2; return 1
}
# await_ready NAME URL TIMEOUT_S LOG: waits until the readiness endpoint answers 200.
await_ready() {
  local name=$1 url=$2 timeout=$3 log=$4
  for _ in $(seq 1 $((timeout * 5))); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "$name not ready after ${timeout}s; last lines of $log:" >&2; tail -n 40 "$log" >&2; return 1
}

START=$(date +%s)
if [ "$START_MONGO" != 1 ]; then
  say "using the MongoDB on :$MONGO_PORT (START_MONGO=0)"
  port_free "$MONGO_PORT" && { echo "nothing listens on MONGO_PORT $MONGO_PORT (START_MONGO=0)" >&2; exit 1; }
  rm -f "$PID_DIR/mongo.pid"
elif [ "${MONGO_STORAGE:-file}" = memory ]; then
  say "starting the MongoDB wire server (in memory)..."
  MONGO_ARGS=()
else
  say "starting the MongoDB wire server (file-backed: $RUN_DIR/mongo.h2)..."
  MONGO_ARGS=(--file "$RUN_DIR/mongo.h2")
fi
if [ "$START_MONGO" = 1 ]; then
  "$JAVA" $MONGO_JAVA_OPTS $OWNER -cp "$INFRA_JAR" org.mfc.fhir.infra.MongoServerMain \
    --port "$MONGO_PORT" "${MONGO_ARGS[@]}" >"$LOG_DIR/mongo.log" 2>&1 &
  PIDS+=($!)
  echo $! >"$PID_DIR/mongo.pid"
fi
if [ "$START_KAFKA" = 1 ]; then
  say "starting the Kafka broker (KRaft, log in $RUN_DIR/kafka)..."
  "$JAVA" -Xmx512m $OWNER -cp "$INFRA_JAR" org.mfc.fhir.infra.KafkaBrokerMain \
    --port "$KAFKA_PORT" --controller-port "$KAFKA_CONTROLLER_PORT" --log-dir "$RUN_DIR/kafka" >"$LOG_DIR/kafka.log" 2>&1 &
  PIDS+=($!)
  echo $! >"$PID_DIR/kafka.pid"
else
  say "using the Kafka broker on :$KAFKA_PORT (START_KAFKA=0)"
fi
# MQTT accounts of mqtt-broker/config/access.conf: random passwords, generated once, kept with the run's data.
if [ ! -f "$RUN_DIR/mqtt-passwords.env" ]; then
  umask 077
  for v in MQTT_AVA4_PASSWORD MQTT_KATI_PASSWORD MQTT_QUBE_VITAL_PASSWORD MQTT_INGEST_PASSWORD; do
    echo "$v=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
  done >"$RUN_DIR/mqtt-passwords.env"
fi
set -a; . "$RUN_DIR/mqtt-passwords.env"; set +a
say "starting the MQTT broker (sessions in $RUN_DIR/mqtt, accounts from mqtt-broker/config/access.conf)..."
"$JAVA" -Xmx256m $OWNER -jar "$MQTT_JAR" --port "$MQTT_PORT" --data-dir "$RUN_DIR/mqtt" \
  --access-file "$ROOT/mqtt-broker/config/access.conf" >"$LOG_DIR/mqtt-broker.log" 2>&1 &
PIDS+=($!)
echo $! >"$PID_DIR/mqtt-broker.pid"
[ "$START_MONGO" = 1 ] && await_line "$LOG_DIR/mongo.log" MONGO_READY 60
[ "$START_KAFKA" = 1 ] && await_line "$LOG_DIR/kafka.log" KAFKA_READY 90
await_line "$LOG_DIR/mqtt-broker.log" MQTT_READY 60

"$JAVA" -cp "$INFRA_JAR" org.mfc.fhir.infra.DemoRegistry "$MONGODB_URI" "$MONGODB_MAIN_DB" >"$LOG_DIR/seed.log" 2>&1
say "seeded a synthetic demo patient who owns the sample payload's AVA4 box and cuff"

# Tokens: a key pair under .local/keys is created on first run (git-ignored); the API verifies with the public half.
scripts/mint-token.sh >/dev/null 2>&1
export JWT_PUBLIC_KEY_LOCATION="$ROOT/.local/keys/jwt-public.pem"
# The demo token is bound to the sample's AVA4 box, as a box's own token is in production.
TOKEN=$(scripts/mint-token.sh --subject local-demo --device box-08F9E0D1F7B4 --lifetime 86400 2>/dev/null)

if [ "$START_WORKER" = 1 ]; then
  say "starting fhir-parser-worker on :$WORKER_HTTP_PORT..."
  WORKER_HTTP_PORT=$WORKER_HTTP_PORT WORKER_MANAGEMENT_PORT=$WORKER_MANAGEMENT_PORT \
    nice -n "$WORKER_NICE" "$JAVA" $WORKER_JAVA_OPTS -jar "$WORKER_JAR" >"$LOG_DIR/fhir-parser-worker.log" 2>&1 &
  PIDS+=($!)
  echo $! >"$PID_DIR/fhir-parser-worker.pid"
else
  say "not starting fhir-parser-worker (START_WORKER=$START_WORKER): readings stay queued on $FHIR_QUEUE_NAME"
fi
say "starting ingest-api on :$INGEST_HTTP_PORT..."
INGEST_HTTP_PORT=$INGEST_HTTP_PORT INGEST_MANAGEMENT_PORT=$INGEST_MANAGEMENT_PORT \
  MQTT_ENABLED=${MQTT_ENABLED:-true} MQTT_HOST=127.0.0.1 MQTT_PORT=$MQTT_PORT \
  MQTT_PASSWORD=$MQTT_INGEST_PASSWORD MQTT_CLIENT_ID=${MQTT_CLIENT_ID:-ingest-api-local} \
  "$JAVA" $INGEST_JAVA_OPTS -jar "$INGEST_JAR" >"$LOG_DIR/ingest-api.log" 2>&1 &
PIDS+=($!)
echo $! >"$PID_DIR/ingest-api.pid"
if [ "$START_FHIR_API" = 1 ]; then
  say "starting fhir-api on :$FHIR_API_HTTP_PORT..."
  FHIR_API_HTTP_PORT=$FHIR_API_HTTP_PORT "$JAVA" $FHIR_API_JAVA_OPTS -jar "$FHIR_API_JAR" >"$LOG_DIR/fhir-api.log" 2>&1 &
  PIDS+=($!)
  echo $! >"$PID_DIR/fhir-api.pid"
fi
if [ "$START_WORKER" = 1 ]; then
  await_ready fhir-parser-worker "http://127.0.0.1:$WORKER_MANAGEMENT_PORT/q/health/ready" 120 \
    "$LOG_DIR/fhir-parser-worker.log"
fi
await_ready ingest-api "http://127.0.0.1:$INGEST_MANAGEMENT_PORT/q/health/ready" 120 "$LOG_DIR/ingest-api.log"
if [ "$START_FHIR_API" = 1 ]; then
  await_ready fhir-api "http://127.0.0.1:$FHIR_API_HTTP_PORT/q/health/ready" 120 "$LOG_DIR/fhir-api.log"
fi
READ_TOKEN=$(scripts/mint-token.sh --subject local-reader --audience mfc-fhir --scope 'system/*.read' \
  --lifetime 86400 2>/dev/null)

# The commands printed below work where the caller is: repository paths are relative from its root, absolute
# (shell-quoted) from anywhere else.
repo_path() {
  if [ "$CALLER_DIR" = "$ROOT" ]; then printf '%s' "$1"; else printf '%q' "$ROOT/$1"; fi
}
SAMPLE=$(repo_path pipeline-test-support/src/main/resources/payloads/ava4/bp_biolight.json)
MINT=$(repo_path scripts/mint-token.sh)
SHOW=$(repo_path scripts/show-observations.sh)
[ "$MONGO_PORT" = 27017 ] || SHOW="MONGO_PORT=$MONGO_PORT $SHOW"
[ "$MONGODB_FHIR_DB" = MFC_FHIR_R5 ] || SHOW="MONGODB_FHIR_DB=$MONGODB_FHIR_DB $SHOW"
if command -v mosquitto_pub >/dev/null 2>&1; then
  PUBLISH="mosquitto_pub -V mqttv5 -q 1 -h 127.0.0.1 -p $MQTT_PORT -u ava4 -P '$MQTT_AVA4_PASSWORD' -t dusun_pub -f $SAMPLE"
else
  PUBLISH="$(repo_path scripts/mqtt-pub.sh) -h 127.0.0.1 -p $MQTT_PORT -u ava4 -P '$MQTT_AVA4_PASSWORD' -t dusun_pub -f $SAMPLE"
fi
cat <<EOT

  The pipeline is up ($(( $(date +%s) - START )) s). Logs: $LOG_DIR

  POST device readings to   http://127.0.0.1:$INGEST_HTTP_PORT/api/v1/ava4   (see README, "Endpoints")

  Send the AVA4 blood-pressure sample (answers 202 with an ingest_id; the token is bound to the sample's box and
  valid for 24 h):
    curl -sS -X POST http://127.0.0.1:$INGEST_HTTP_PORT/api/v1/ava4 \\
         -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" \\
         --data @$SAMPLE

  Or publish it over MQTT as an AVA4 box does (QoS 1 on dusun_pub; mosquitto_pub takes the same options):
    $PUBLISH

  More tokens: $MINT [--scope admin] [--device ID] (see its header)
  Admin API: http://127.0.0.1:$INGEST_HTTP_PORT/admin/queue/stats   http://127.0.0.1:$WORKER_HTTP_PORT/admin/dead-letters
             (bearer token from: $MINT --scope admin)
  MQTT accounts (ava4, kati, qube-vital, ingest) and their passwords: $RUN_DIR/mqtt-passwords.env

  Show the stored Observations (R5 JSON from the FHIR database $MONGODB_FHIR_DB):
    $SHOW

  Read them as FHIR R5 (the demo patient's blood pressures, newest first; README "Endpoints" for the rest):
    curl -sS 'http://127.0.0.1:$FHIR_API_HTTP_PORT/fhir/Observation?patient=65f000000000000000000001&code=85354-9' \\
         -H "Authorization: Bearer $READ_TOKEN"
    curl -sS 'http://127.0.0.1:$FHIR_API_HTTP_PORT/fhir/Observation/\$lastn?patient=65f000000000000000000001' \\
         -H "Authorization: Bearer $READ_TOKEN"

  Health: http://127.0.0.1:$INGEST_MANAGEMENT_PORT/health (MQTT included)   http://127.0.0.1:$WORKER_MANAGEMENT_PORT/q/health
          http://127.0.0.1:$FHIR_API_HTTP_PORT/q/health
  Metrics: .../q/metrics on the same ports; OpenAPI UI: http://127.0.0.1:$INGEST_MANAGEMENT_PORT/q/swagger-ui
  Press Ctrl-C to stop everything.

EOT

# Stay in the foreground until Ctrl-C or until one of the processes dies.
while true; do
  for pid in "${PIDS[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      say "process $pid exited unexpectedly; see $LOG_DIR"
      exit 1
    fi
  done
  sleep 1
done
