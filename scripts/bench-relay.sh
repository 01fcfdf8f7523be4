#!/usr/bin/env bash
# Outbox relay benchmark (issue 4): commit -> delivered latency at a steady rate, and the drain
# rate of a committed backlog, through a release `jobserver serve` on a throw-away database and
# exchange of the private services. Usage: scripts/bench-relay.sh [RATE=1000] [SECONDS=20] [BACKLOG=20000]
set -euo pipefail
. "$(dirname "$0")/common.sh"
cd "$ROOT"
RATE=${1:-1000} SECONDS_=${2:-20} BACKLOG=${3:-20000}

bring_up_services
build_release_products
BIN="$RELEASE_BIN"

VENV="$ROOT/.local/bench-relay-venv"
if [ ! -x "$VENV/bin/python" ]; then
    log "installing psycopg and pika into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q 'psycopg[binary]==3.2.3' 'pika==1.3.2'
fi

DB=bench_relay
EXCHANGE="bench-relay-$$"
WORK="$(mktemp -d)"
server=""
cleanup() {
    [ -n "$server" ] && kill -TERM "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    "$ROOT/scripts/services.sh" rabbitmqctl delete_queue "$EXCHANGE.echo" >/dev/null 2>&1 || true
    rm -rf "$WORK"
    stop_services_started_here
}
trap cleanup EXIT
"$ROOT/scripts/services.sh" psql -d postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" >/dev/null
DB_URL="${JOBS_DATABASE_URL%/*}/$DB"
export JOBS_DATABASE_URL="$DB_URL" JOBS_AMQP_EXCHANGE="$EXCHANGE" JOBS_AUTH_KEY_FILE="$WORK/key" JOBS_CONFIG="$ROOT/conf/jobserver.yaml"
export JOBS_SERVER_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$BIN/jobserver" keygen "$WORK/key" >/dev/null
"$BIN/jobserver" migrate >/dev/null
"$BIN/jobserver" serve 2>"$WORK/server.log" &
server=$!
# Ready once the relay's broker connection has declared the queues.
for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$JOBS_SERVER_PORT/health" 2>/dev/null | grep -q '"broker":"connected"' && break
    sleep 0.1
done

log "steady $RATE tasks/s for $SECONDS_ s, then a backlog of $BACKLOG"
"$VENV/bin/python" "$ROOT/Benchmarks/Relay/relay_latency.py" "$DB_URL" "$JOBS_AMQP_URL" "$EXCHANGE.echo" \
    --rate "$RATE" --seconds "$SECONDS_" --backlog "$BACKLOG"
