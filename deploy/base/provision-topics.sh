#!/bin/sh
# Creates the pipeline's topics with explicit settings instead of broker defaults, and applies the settings again to
# topics that already exist (idempotent: run it after every change). Runs where the Kafka CLI is (the apache/kafka
# image: the Kubernetes topic Job and the compose service kafka-init).
#
# Settings (environment): KAFKA_BOOTSTRAP_SERVERS, FHIR_QUEUE_NAME, FHIR_DEAD_LETTER_TOPIC, FHIR_ALERT_TOPIC,
# MQTT_REJECTS_TOPIC, INGEST_WARMUP_TOPIC, TOPIC_PARTITIONS, TOPIC_REPLICATION_FACTOR, TOPIC_MIN_INSYNC_REPLICAS,
# TOPIC_READINGS_RETENTION_MS, TOPIC_DEAD_LETTER_RETENTION_MS, TOPIC_ALERTS_RETENTION_MS,
# TOPIC_MQTT_REJECTS_RETENTION_MS; on a secured cluster also KAFKA_SECURITY_PROTOCOL,
# KAFKA_SASL_MECHANISM, KAFKA_SASL_JAAS_CONFIG, KAFKA_SSL_TRUSTSTORE_LOCATION, KAFKA_SSL_TRUSTSTORE_TYPE,
# KAFKA_SSL_TRUSTSTORE_PASSWORD (the services' own variables).
set -eu

bin=${KAFKA_BIN:-/opt/kafka/bin}
# The CLI would inherit a broker-sized heap from KAFKA_HEAP_OPTS.
export KAFKA_HEAP_OPTS="-Xmx128m"
client=$(mktemp)
trap 'rm -f "$client"' EXIT
{
  [ -n "${KAFKA_SECURITY_PROTOCOL:-}" ] && echo "security.protocol=$KAFKA_SECURITY_PROTOCOL"
  [ -n "${KAFKA_SASL_MECHANISM:-}" ] && echo "sasl.mechanism=$KAFKA_SASL_MECHANISM"
  [ -n "${KAFKA_SASL_JAAS_CONFIG:-}" ] && echo "sasl.jaas.config=$KAFKA_SASL_JAAS_CONFIG"
  [ -n "${KAFKA_SSL_TRUSTSTORE_LOCATION:-}" ] && echo "ssl.truststore.location=$KAFKA_SSL_TRUSTSTORE_LOCATION"
  [ -n "${KAFKA_SSL_TRUSTSTORE_TYPE:-}" ] && echo "ssl.truststore.type=$KAFKA_SSL_TRUSTSTORE_TYPE"
  [ -n "${KAFKA_SSL_TRUSTSTORE_PASSWORD:-}" ] && echo "ssl.truststore.password=$KAFKA_SSL_TRUSTSTORE_PASSWORD"
  true
} >"$client"

partitions=${TOPIC_PARTITIONS:-12}
replicas=${TOPIC_REPLICATION_FACTOR:-3}
min_isr=${TOPIC_MIN_INSYNC_REPLICAS:-2}

# topic retention_ms
provision() {
  topic=$1
  settings="min.insync.replicas=$min_isr,retention.ms=$2,cleanup.policy=delete"
  "$bin/kafka-topics.sh" --bootstrap-server "$KAFKA_BOOTSTRAP_SERVERS" --command-config "$client" --create \
    --if-not-exists --topic "$topic" --partitions "$partitions" --replication-factor "$replicas" \
    --config "min.insync.replicas=$min_isr" --config "retention.ms=$2" --config cleanup.policy=delete
  "$bin/kafka-configs.sh" --bootstrap-server "$KAFKA_BOOTSTRAP_SERVERS" --command-config "$client" --alter \
    --entity-type topics --entity-name "$topic" --add-config "$settings"
  have=$("$bin/kafka-topics.sh" --bootstrap-server "$KAFKA_BOOTSTRAP_SERVERS" --command-config "$client" --describe \
    --topic "$topic" | sed -n 's/.*PartitionCount: *\([0-9][0-9]*\).*/\1/p' | head -n 1)
  echo "topic $topic: partitions=$have replication=$replicas $settings"
  # Never added here: a keyed record's partition follows the partition count, so adding partitions moves devices to
  # other partitions while their earlier readings may still wait in the old ones. An operator does it deliberately.
  if [ -n "$have" ] && [ "$have" -lt "$partitions" ]; then
    echo "topic $topic: has $have partitions, fewer than TOPIC_PARTITIONS=$partitions; not changed (add them" \
      "deliberately: kafka-topics.sh --alter --topic $topic --partitions $partitions)"
  fi
}

provision "${FHIR_QUEUE_NAME:-fhir.readings}" "${TOPIC_READINGS_RETENTION_MS:-604800000}"
provision "${FHIR_DEAD_LETTER_TOPIC:-fhir.readings.dlq}" "${TOPIC_DEAD_LETTER_RETENTION_MS:-2592000000}"
provision "${FHIR_ALERT_TOPIC:-fhir.alerts}" "${TOPIC_ALERTS_RETENTION_MS:-604800000}"
# Refused MQTT messages as published: kept as long as dead letters, for an operator to read and re-publish.
provision "${MQTT_REJECTS_TOPIC:-fhir.mqtt.rejects}" "${TOPIC_MQTT_REJECTS_RETENTION_MS:-2592000000}"
# The ingest API's start-up rehearsal publishes synthetic samples here (nothing reads it): an hour is plenty.
provision "${INGEST_WARMUP_TOPIC:-fhir.rehearsal}" 3600000
"$bin/kafka-topics.sh" --bootstrap-server "$KAFKA_BOOTSTRAP_SERVERS" --command-config "$client" --describe \
  --topic "${FHIR_QUEUE_NAME:-fhir.readings}"
