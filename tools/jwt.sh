#!/usr/bin/env bash
# Prints an HS256 JWT for the scheduler API, valid for an hour (or $TTL s).
# Usage: tools/jwt.sh SECRET_FILE [subject]
#
# The secret is read as the module reads it (see wa_report_jwt_secret_file):
# the file's bytes with trailing CR and LF removed, NULs and inner newlines
# included. The HMAC is computed here, from bash builtins and a key-less
# `openssl dgst`, so the secret never appears on a command line (ps shows
# command lines to every user).
# The module refuses tokens that live longer than wa_report_jwt_max_lifetime
# (default 24h), so TTL is 1..86400 unless MAX_TTL says the server allows more.
set -eu
file=${1:?usage: jwt.sh SECRET_FILE [subject]}
sub=${2:-operator}
ttl=${TTL:-3600}
max=${MAX_TTL:-86400}
[[ $sub =~ ^[A-Za-z0-9_.@-]{1,64}$ ]] || { echo "jwt.sh: subject must be 1-64 of A-Z a-z 0-9 _ . @ -" >&2; exit 2; }
if ! [[ $ttl =~ ^[0-9]{1,9}$ && $max =~ ^[0-9]{1,9}$ ]] || (( ttl < 1 || ttl > max )); then
    echo "jwt.sh: TTL must be 1..$max seconds (wa_report_jwt_max_lifetime); got \"$ttl\"" >&2
    exit 2
fi
[ -r "$file" ] || { echo "jwt.sh: cannot read $file" >&2; exit 2; }
now=$(date +%s)

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
# Hex pairs -> the bytes, through printf's escapes (a builtin: no argv).
unhex() { local h=$1 out=""; while [ -n "$h" ]; do out+="\\x${h:0:2}"; h=${h:2}; done; printf "$out"; }
sha256_hex() { openssl dgst -sha256 -binary | od -An -v -tx1 | tr -d ' \n'; }

key=$(od -An -v -tx1 < "$file" | tr -d ' \n')
while [[ $key == *0a || $key == *0d ]]; do key=${key%??}; done
[ -n "$key" ] || { echo "jwt.sh: $file holds no secret" >&2; exit 2; }
# RFC 2104: a key longer than the block (64 bytes) is hashed first.
if [ ${#key} -gt 128 ]; then key=$(unhex "$key" | sha256_hex); fi
ipad="" opad=""
for ((i = 0; i < 64; i++)); do
    b=0
    if [ $((i * 2)) -lt ${#key} ]; then b=$((16#${key:i*2:2})); fi
    ipad+=$(printf '%02x' $(( b ^ 0x36 )))
    opad+=$(printf '%02x' $(( b ^ 0x5c )))
done

header=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
payload=$(printf '{"sub":"%s","iat":%d,"exp":%d}' "$sub" "$now" $(( now + ttl )) | b64url)
inner=$({ unhex "$ipad"; printf '%s.%s' "$header" "$payload"; } | sha256_hex)
sig=$({ unhex "$opad"; unhex "$inner"; } | openssl dgst -sha256 -binary | b64url)
echo "$header.$payload.$sig"
