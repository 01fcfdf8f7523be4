#!/usr/bin/env bash
# Runs the system (README: `make run`): installs missing Debian packages, starts a private
# PostgreSQL and RabbitMQ on loopback (reusing them if already up), builds, migrates, creates a
# demo admin user, starts `jobserver serve` and `jobworker run` and prints a working curl line.
# Ctrl-C stops everything this command started, by PID.
set -euo pipefail
. "$(dirname "$0")/common.sh"
cd "$ROOT"

children=()
cleanup() {
    for pid in "${children[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${children[@]}"; do wait "$pid" 2>/dev/null || true; done
    stop_services_started_here
}
trap cleanup EXIT
trap 'exit 130' INT TERM
bring_up_services

CONFIGURATION="${BUILD:-debug}"
log "building ($CONFIGURATION)"
swift build -c "$CONFIGURATION" --product jobserver
swift build -c "$CONFIGURATION" --product jobworker
BIN="$(swift build -c "$CONFIGURATION" --show-bin-path)"

export JOBS_CONFIG="$ROOT/conf/jobserver.yaml"
export JOBS_AUTH_KEY_FILE="$ROOT/.local/jobserver.key"
export JOBS_SERVER_PORT="${JOBS_SERVER_PORT:-8080}"
[ -f "$JOBS_AUTH_KEY_FILE" ] || "$BIN/jobserver" keygen "$JOBS_AUTH_KEY_FILE"
"$BIN/jobserver" migrate
"$BIN/jobserver" migrate --status

# A demo admin user; its secret is kept in .local/demo.secret (mode 0600).
DEMO_SECRET_FILE="$ROOT/.local/demo.secret"
if [ ! -s "$DEMO_SECRET_FILE" ]; then
    ( umask 077
      "$BIN/jobserver" user add demo --role admin 2>/dev/null | tail -1 > "$DEMO_SECRET_FILE" \
        || "$BIN/jobserver" user rotate-secret demo | tail -1 > "$DEMO_SECRET_FILE" )
fi
DEMO_SECRET="$(cat "$DEMO_SECRET_FILE")"

log "starting jobserver on http://127.0.0.1:$JOBS_SERVER_PORT and a jobworker (Ctrl-C stops them and the services)"
"$BIN/jobserver" serve &
children+=($!)
"$BIN/jobworker" run &
children+=($!)
for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$JOBS_SERVER_PORT/health" >/dev/null 2>&1 && break
    sleep 0.1
done

cat <<USAGE

JobServer is up on http://127.0.0.1:$JOBS_SERVER_PORT (demo user: demo, secret in .local/demo.secret).
Create an echo task (the header is the timestamp-MD5 scheme, see docs/api.md):

  now=\$(date +%s); curl -u "demo:\$(printf '%s@%s' '$DEMO_SECRET' "\$now" | md5sum | cut -c1-32)" \\
    -H 'Content-Type: application/json' -d '{"data":{"service":"echo","condition":{"hello":"world"}}}' \\
    "http://127.0.0.1:$JOBS_SERVER_PORT/api/create_task?_=\$now"

Then its result (replace ID with the task_id it printed):

  scripts/api.sh demo '$DEMO_SECRET' result_task '{"task_id":"ID"}'

USAGE
# Until Ctrl-C, or until either process exits.
wait -n "${children[@]}"
