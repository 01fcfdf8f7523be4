#!/usr/bin/env bash
# Runs the system (README: `make run`): installs missing Debian packages, starts a private
# PostgreSQL and RabbitMQ on loopback (reusing them if already up), builds, migrates, and runs
# `jobserver serve` in the foreground. Ctrl-C stops everything this command started, by PID.
set -euo pipefail
. "$(dirname "$0")/common.sh"
cd "$ROOT"

"$ROOT/scripts/services.sh" deps
require_swift

started_here=0
"$ROOT/scripts/services.sh" status >/dev/null 2>&1 || started_here=1
children=()
cleanup() {
    for pid in "${children[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${children[@]}"; do wait "$pid" 2>/dev/null || true; done
    [ "$started_here" = 1 ] && "$ROOT/scripts/services.sh" stop || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
"$ROOT/scripts/services.sh" start
load_services_env

CONFIGURATION="${BUILD:-debug}"
log "building ($CONFIGURATION)"
swift build -c "$CONFIGURATION" --product jobserver
BIN="$(swift build -c "$CONFIGURATION" --show-bin-path)"

export JOBS_CONFIG="$ROOT/conf/jobserver.yaml"
export JOBS_AUTH_KEY_FILE="$ROOT/.local/jobserver.key"
export JOBS_SERVER_PORT="${JOBS_SERVER_PORT:-8080}"
[ -f "$JOBS_AUTH_KEY_FILE" ] || "$BIN/jobserver" keygen "$JOBS_AUTH_KEY_FILE"
"$BIN/jobserver" migrate
"$BIN/jobserver" migrate --status

log "starting jobserver on http://127.0.0.1:$JOBS_SERVER_PORT (Ctrl-C stops it and the services)"
"$BIN/jobserver" serve &
children+=($!)
wait "${children[0]}"
