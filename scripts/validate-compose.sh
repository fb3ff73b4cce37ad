#!/usr/bin/env bash
# Validates docker-compose.fhir.yml without a Docker daemon (and without internet,
# apart from Debian's package mirror when docker-compose has to be installed).
# Usage: scripts/validate-compose.sh   (from anywhere; runs from the repository root)
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/{/^#/{s/^# \{0,1\}//;p}}' "$0"; exit 0 ;; esac
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

compose_file="docker-compose.fhir.yml"

if ! command -v docker-compose >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "docker-compose not found; installing Debian's docker-compose package" >&2
    apt_log="$(mktemp)"
    if ! { apt-get update -qq &&
           DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=a apt-get install -y -qq docker-compose; } \
         >"$apt_log" 2>&1; then
      cat "$apt_log" >&2
      rm -f "$apt_log"
      echo "installing docker-compose failed" >&2
      exit 1
    fi
    rm -f "$apt_log"
  else
    echo "docker-compose not found; install it (Debian: apt-get install docker-compose) and re-run" >&2
    exit 1
  fi
fi

# `config` only parses, schema-checks and interpolates the file: no daemon is contacted.
docker-compose -f "$compose_file" config -q

echo "compose file OK"
