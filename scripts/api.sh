#!/usr/bin/env bash
# Calls the JobServer API with the timestamp-MD5 authentication computed, e.g.
#   scripts/api.sh alice "$SECRET" create_task '{"data":{"service":"echo","condition":{"x":1}}}'
# Environment: JOBS_API_URL (default http://127.0.0.1:8080).
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 USER SECRET ENDPOINT [JSON]" >&2; exit 2; }
user=$1 secret=$2 endpoint=$3 body=${4:-'{}'}
now=$(date +%s)
digest=$(printf '%s@%s' "$secret" "$now" | md5sum | cut -c1-32)
exec curl -sS -u "$user:$digest" -H 'Content-Type: application/json' \
    --data-binary "$body" "${JOBS_API_URL:-http://127.0.0.1:8080}/api/$endpoint?_=$now"
