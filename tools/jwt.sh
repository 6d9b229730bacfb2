#!/usr/bin/env bash
# Prints an HS256 JWT for the scheduler API, valid for an hour (or $TTL s).
# Usage: tools/jwt.sh SECRET_FILE [subject]
set -eu
secret=$(tr -d '\r\n' < "${1:?usage: jwt.sh SECRET_FILE [subject]}")
sub=${2:-operator}
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
header=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
payload=$(printf '{"sub":"%s","exp":%d}' "$sub" $(( $(date +%s) + ${TTL:-3600} )) | b64url)
sig=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -hmac "$secret" -binary | b64url)
echo "$header.$payload.$sig"
