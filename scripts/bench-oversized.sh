#!/usr/bin/env bash
# Oversized identifiers against a running ingest API (scripts/run-local.sh): how long a device waits to be refused
# when it posts a Kati VitalSign whose IMEI is 900,000 characters (parsed, refused 422 on the worker pool) or 1 MiB
# (over the body limit, refused 413 before parsing). Sends REQUESTS of each, one at a time, and prints the statuses
# and p50 / p99 / max of curl's total time (upload included).
#
#   INGEST_URL=http://127.0.0.1:8080 REQUESTS=200 scripts/bench-oversized.sh
#   TOKEN=... scripts/bench-oversized.sh          # default: a token minted with scripts/mint-token.sh
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/{/^#/{s/^# \{0,1\}//;p}}' "$0"; exit 0 ;; esac
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
INGEST_URL=${INGEST_URL:-http://127.0.0.1:8080}
REQUESTS=${REQUESTS:-200}
TOKEN=${TOKEN:-$("$ROOT/scripts/mint-token.sh" --subject bench-oversized --scope "system/Observation.write fleet" \
  --lifetime 3600)}
curl -s -o /dev/null --max-time 5 "$INGEST_URL/" \
  || { echo "no ingest API answers at $INGEST_URL (start scripts/run-local.sh first)" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

python3 - "$WORK" <<'PY'
import json, sys
for name, size in (("imei-900000", 900_000), ("imei-1MiB", 1 << 20)):
    body = {"IMEI": "8" * size, "heartRate": 72, "spO2": 98, "timeStamps": "06/12/2026 07:00:00"}
    open(f"{sys.argv[1]}/{name}.json", "w").write(json.dumps(body))
PY
for name in imei-900000 imei-1MiB; do
  for _ in $(seq 1 "$REQUESTS"); do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -X POST "$INGEST_URL/api/v1/kati/VitalSign" \
      -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" --data-binary "@$WORK/$name.json"
  done >"$WORK/$name.txt"
  python3 - "$name" "$WORK/$name.txt" <<'PY'
import collections, sys
rows = [line.split() for line in open(sys.argv[2])]
statuses = dict(collections.Counter(r[0] for r in rows))
ms = sorted(float(r[1]) * 1000 for r in rows)
pick = lambda q: ms[min(len(ms) - 1, int(q * len(ms)))]
print(f"{sys.argv[1]}: {len(ms)} requests, statuses {statuses}, p50 {pick(0.5):.1f} ms, p99 {pick(0.99):.1f} ms, max {ms[-1]:.1f} ms")
PY
done
