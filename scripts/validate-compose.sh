#!/usr/bin/env bash
# Validates docker-compose.fhir.yml (with the README's override for a secured broker and database), and that
# .dockerignore keeps what each Dockerfile COPYs, without a Docker daemon (and without internet, apart from Debian's
# package mirror when docker-compose has to be installed).
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

# The README's override for a secured broker and database must apply to this compose file as it is: a service name
# it misspells would become a service of its own, without an image, which `config` refuses.
override=$(mktemp)
trap 'rm -f "$override"' EXIT
python3 - "$(dirname "$compose_file")/README.md" > "$override" <<'PY'
import sys
text = open(sys.argv[1]).read()
start = text.index("x-kafka: &kafka")
print(text[start:text.index("```", start)])
PY
KAFKA_SASL_JAAS_CONFIG=x MONGODB_USERNAME=u MONGODB_PASSWORD=p \
  docker-compose -f "$compose_file" -f "$override" config -q

# Every path a Dockerfile COPYs from the repository root must survive .dockerignore, or the image cannot be built
# (Docker's rule: the last pattern matching the path or one of its parents decides; `**` spans directories).
python3 - <<'PY'
import glob, re, sys

def regex(pattern):
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out + r"\Z")

rules = []
for line in open(".dockerignore"):
    line = line.strip()
    if line and not line.startswith("#"):
        negated = line.startswith("!")
        rules.append((negated, regex(line.lstrip("!").strip("/"))))

def excluded(path):
    parts = path.strip("/").split("/")
    prefixes = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    verdict = False
    for negated, rx in rules:
        if any(rx.match(p) for p in prefixes):
            verdict = not negated
    return verdict

problems = []
for dockerfile in sorted(glob.glob("*/src/main/docker/Dockerfile*")):
    for number, line in enumerate(open(dockerfile), 1):
        words = line.split()
        if not words or words[0].upper() != "COPY" or any(w.startswith("--from") for w in words):
            continue
        for source in (w for w in words[1:-1] if not w.startswith("--")):
            # A file-name glob stands for the directory it is in.
            path = source.rsplit("/", 1)[0] if any(c in source.rsplit("/", 1)[-1] for c in "*?[") else source
            if excluded(path):
                problems.append(f"{dockerfile}:{number}: COPY {source} is excluded by .dockerignore")
for problem in problems:
    print(problem, file=sys.stderr)
sys.exit(1 if problems else 0)
PY

echo "compose file OK"
