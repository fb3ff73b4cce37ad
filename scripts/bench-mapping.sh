#!/usr/bin/env bash
# Mapping throughput per core (issue 4): one thread maps a mix of every measurement kind to its Observations,
# Devices and Provenance and encodes each into the storage envelope (no database). Target: >= 20,000 readings/s.
# Usage: scripts/bench-mapping.sh [seconds]   (default 10; run on an idle machine for a meaningful number)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl pipeline-core test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-mapping.classpath -Dmdep.includeScope=test
CP="pipeline-core/target/test-classes:pipeline-core/target/classes:$(cat pipeline-core/target/bench-mapping.classpath)"
exec java -Xmx512m -XX:+UseParallelGC -cp "$CP" org.mfc.fhir.core.fhir.MappingThroughput "${1:-10}"
