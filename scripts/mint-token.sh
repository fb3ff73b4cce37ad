#!/usr/bin/env bash
# Prints a signed RS256 bearer token for the ingest API or the FHIR read API. Needs only bash and openssl.
#
# On first run it creates an RSA key pair under .local/keys/ (git-ignored; never commit the private key):
#   .local/keys/jwt-private.pem  signs tokens (this script)
#   .local/keys/jwt-public.pem   verifies them: start ingest-api with JWT_PUBLIC_KEY_LOCATION=<absolute path of it>
#
# Usage: scripts/mint-token.sh [--scope "system/Observation.write admin"] [--device ID]... [--subject NAME]
#                              [--lifetime SECONDS] [--issuer URL] [--audience NAME] [--keys DIR] [--patient ID]
#   --scope     space-separated scopes (default: system/Observation.write); admin for the /admin endpoints of both
#               services; fleet lets a token without --device post for any device (trusted bridges only)
#   --device    binds the token to a device (repeatable): a device key such as imei-865067123456789 or
#               box-DCDA0C5A8064, or a raw id in any spelling. A token with neither --device nor the fleet scope
#               may post for no device (403)
#   --subject   token subject = the client id for rate limits and client_id in queued records (default: local-client)
#   --lifetime  seconds until expiry (default: 3600; the services refuse more than JWT_MAX_LIFETIME, 86400)
#   --issuer    default $JWT_ISSUER or https://auth.mfc.local (must match the API's JWT_ISSUER)
#   --audience  default $JWT_AUDIENCE or mfc-ingest (must match the API's JWT_AUDIENCE; the FHIR read API's is
#               FHIR_API_JWT_AUDIENCE, default mfc-fhir)
#   --patient   the patient claim: with --scope "patient/*.read" the token reads only that patient's compartment
#   --keys      key directory (default: <repo>/.local/keys)
#
# Read API tokens: --audience mfc-fhir --scope "system/*.read"   (everything)
#                  --audience mfc-fhir --scope "patient/*.read" --patient 65f000000000000000000001
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
scope="system/Observation.write"
subject="local-client"
lifetime=3600
issuer="${JWT_ISSUER:-https://auth.mfc.local}"
audience="${JWT_AUDIENCE:-mfc-ingest}"
keys="$root/.local/keys"
devices=()
patient=""

while [ $# -gt 0 ]; do
  case "$1" in
    --scope) scope="$2"; shift 2 ;;
    --device) devices+=("$2"); shift 2 ;;
    --subject) subject="$2"; shift 2 ;;
    --lifetime) lifetime="$2"; shift 2 ;;
    --issuer) issuer="$2"; shift 2 ;;
    --audience) audience="$2"; shift 2 ;;
    --keys) keys="$2"; shift 2 ;;
    --patient) patient="$2"; shift 2 ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$lifetime" in ''|*[!0-9]*) echo "--lifetime must be a whole number of seconds" >&2; exit 2 ;; esac
# Every claim value is JSON text: a newline or a carriage return (a CRLF .env file) would break the token.
for value in "$issuer" "$audience" "$subject" "$scope" "${patient:-}" ${devices[@]+"${devices[@]}"}; do
  case "$value" in
    *[[:cntrl:]]*) echo "a claim value cannot hold control characters (newline, carriage return, tab ...)" >&2
      exit 2 ;;
  esac
done

private="$keys/jwt-private.pem"
public="$keys/jwt-public.pem"
if [ ! -f "$private" ]; then
  if [ ! -d "$keys" ]; then
    # A directory made here is the owner's alone; an existing one keeps its permissions (the key file is 600).
    mkdir -p "$keys"
    chmod 700 "$keys"
  fi
  (umask 077 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$private" 2>/dev/null)
  openssl pkey -in "$private" -pubout -out "$public"
  echo "created key pair in $keys" >&2
elif [ ! -f "$public" ]; then
  openssl pkey -in "$private" -pubout -out "$public"
fi

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
json_string() {
  local s=${1//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "$s"
}

now=$(date +%s)
payload="{\"iss\":$(json_string "$issuer"),\"aud\":$(json_string "$audience"),\"sub\":$(json_string "$subject")"
payload+=",\"iat\":$now,\"exp\":$((now + lifetime)),\"jti\":$(json_string "$(openssl rand -hex 16)")"
payload+=",\"scope\":$(json_string "$scope")"
if [ -n "$patient" ]; then
  payload+=",\"patient\":$(json_string "$patient")"
fi
if [ ${#devices[@]} -gt 0 ]; then
  list=""
  for d in "${devices[@]}"; do list+="${list:+,}$(json_string "$d")"; done
  payload+=",\"device_ids\":[$list]"
fi
payload+="}"

header=$(printf '%s' '{"alg":"RS256","typ":"JWT"}' | b64url)
body=$(printf '%s' "$payload" | b64url)
signature=$(printf '%s' "$header.$body" | openssl dgst -sha256 -sign "$private" -binary | b64url)
echo "public key for the API: JWT_PUBLIC_KEY_LOCATION=$public" >&2
printf '%s.%s.%s\n' "$header" "$body" "$signature"
