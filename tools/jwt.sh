#!/usr/bin/env bash
# Prints an HS256 JWT for the scheduler API, valid for an hour (or $TTL s).
# Usage: tools/jwt.sh SECRET_FILE [subject]
# The module refuses tokens that live longer than wa_report_jwt_max_lifetime
# (default 24h), so TTL is 1..86400 unless MAX_TTL says the server allows more.
set -eu
secret=$(tr -d '\r\n' < "${1:?usage: jwt.sh SECRET_FILE [subject]}")
sub=${2:-operator}
sub=${sub//\\/\\\\}
sub=${sub//\"/\\\"}
ttl=${TTL:-3600}
max=${MAX_TTL:-86400}
if ! [[ $ttl =~ ^[0-9]+$ && $max =~ ^[0-9]+$ ]] || (( ttl < 1 || ttl > max )); then
    echo "jwt.sh: TTL must be 1..$max seconds (wa_report_jwt_max_lifetime); got \"$ttl\"" >&2
    exit 2
fi
now=$(date +%s)
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
header=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
payload=$(printf '{"sub":"%s","iat":%d,"exp":%d}' "$sub" "$now" $(( now + ttl )) | b64url)
sig=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -hmac "$secret" -binary | b64url)
echo "$header.$payload.$sig"
