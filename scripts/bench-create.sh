#!/usr/bin/env bash
# create_task benchmark (SPEC section 11): POST /api/create_task with auth at 32 keep-alive
# connections, one task per request and bulk of 100, against pgbench running the statement one
# create costs (Benchmarks/Tasks/pgbench-create-*.sql, the shape of TaskStore.create) at 32
# clients, in the same run, on the same private PostgreSQL. Bar: ours >= 0.7x pgbench's rate.
#
# Usage: scripts/bench-create.sh [DURATION_SECONDS (default 15)] [ROUNDS (default 2)]
# Environment: BENCH_POOL_SIZE (database.pool_size of the server; default: the product's default),
#              BENCH_THREADS (server.threads; default 0 = one per core).
# Needs: the private services (scripts/services.sh start), wrk, pgbench (postgresql-contrib), python3.
# Starts its own `jobserver serve` (release) on a free loopback port against a fresh database
# "jobserver_bench_create" and the broker exchange "bench" (its queues are deleted at the end);
# everything it starts is stopped by PID.
set -euo pipefail
. "$(dirname "$0")/common.sh"
cd "$ROOT"
duration="${1:-15}"
rounds="${2:-2}"
connections=32
bench="$ROOT/Benchmarks/Tasks"
pgbench_bin="${PGBENCH:-/usr/lib/postgresql/15/bin/pgbench}"
command -v wrk >/dev/null || die "wrk is missing (apt-get install wrk)"
[ -x "$pgbench_bin" ] || die "pgbench is missing ($pgbench_bin; apt-get install postgresql-contrib)"
require_swift
"$ROOT/scripts/services.sh" status >/dev/null || die "private services are down: scripts/services.sh start"
load_services_env

build_release_products
bin="$RELEASE_BIN"

work="$(mktemp -d /tmp/bench-create.XXXXXX)"
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && { kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
    for queue in bench.echo bench.sleep bench.fail; do
        "$ROOT/scripts/services.sh" rabbitmqctl delete_queue "$queue" >/dev/null 2>&1 || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

db=jobserver_bench_create
pg() { PGPASSWORD="$JOBS_PG_PASSWORD" psql -h 127.0.0.1 -p "$JOBS_PG_PORT" -U jobs -v ON_ERROR_STOP=1 -Atq "$@"; }
pg -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
export JOBS_CONFIG="$ROOT/conf/jobserver.yaml"
export JOBS_DATABASE_URL="postgresql://jobs:$JOBS_PG_PASSWORD@127.0.0.1:$JOBS_PG_PORT/$db"
export JOBS_AMQP_EXCHANGE=bench
export JOBS_AUTH_KEY_FILE="$work/secret.key"
export JOBS_SERVER_LOG_LEVEL=warning
[ -n "${BENCH_POOL_SIZE:-}" ] && export JOBS_DATABASE_POOL_SIZE="$BENCH_POOL_SIZE"
[ -n "${BENCH_THREADS:-}" ] && export JOBS_SERVER_THREADS="$BENCH_THREADS"
"$bin/jobserver" keygen "$JOBS_AUTH_KEY_FILE" >/dev/null
"$bin/jobserver" migrate >/dev/null
secret="$("$bin/jobserver" user add bench --role admin 2>/dev/null | tail -1)"
export JOBS_SERVER_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$bin/jobserver" serve >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$JOBS_SERVER_PORT/health" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$JOBS_SERVER_PORT/health" >/dev/null || { cat "$work/server.log" >&2; die "jobserver did not start"; }

# Request bodies and the per-second auth headers for wrk.
printf '{"data":{"service":"echo","condition":{"n":1,"text":"hello"},"batch":"2026-01-01"}}' >"$work/single.json"
python3 -c '
import sys
item = "{\"service\":\"echo\",\"condition\":{\"n\":1,\"text\":\"hello\"},\"batch\":\"2026-01-01\"}"
sys.stdout.write("{\"data\":[" + ",".join([item] * 100) + "]}")' >"$work/bulk.json"
python3 "$bench/auth_table.py" bench "$secret" $(( (duration + 10) * rounds * 4 + 120 )) >"$work/auth.lua"

# wrk_run BODY_FILE -> "req/s p50 p99"
wrk_run() {
    local output
    output="$(BENCH_AUTH_FILE="$work/auth.lua" BENCH_ENDPOINT=create_task BENCH_BODY_FILE="$1" \
        wrk -t2 -c"$connections" -d"${duration}s" --timeout 10s --latency -s "$bench/api.lua" \
        "http://127.0.0.1:$JOBS_SERVER_PORT")"
    if grep -q "Non-2xx\|Socket errors" <<<"$output"; then
        grep "Non-2xx\|Socket errors" <<<"$output" | sed 's/^/[bench-create] wrk: /' >&2
    fi
    echo "$(awk '/^Requests\/sec:/ {print $2}' <<<"$output") $(awk '$1 == "50%" {print $2}' <<<"$output") $(awk '$1 == "99%" {print $2}' <<<"$output")"
}

# pgbench_run SCRIPT -> "tps p50 p99"
pgbench_run() {
    rm -f "$work"/pgbench_log.*
    local output
    output="$(cd "$work" && PGPASSWORD="$JOBS_PG_PASSWORD" "$pgbench_bin" -h 127.0.0.1 -p "$JOBS_PG_PORT" -U jobs \
        -n -M prepared -c "$connections" -j 2 -T "$duration" -l --log-prefix=pgbench_log -f "$1" "$db" 2>&1)" \
        || { echo "$output" >&2; die "pgbench failed"; }
    local tps; tps="$(awk '/^tps = / {print $3; exit}' <<<"$output")"
    read -r p50 p99 _ <<<"$(python3 "$bench/percentiles.py" "$work"/pgbench_log.*)"
    echo "$tps $p50 $p99"
}

log "warm-up"
BENCH_AUTH_FILE="$work/auth.lua" BENCH_ENDPOINT=create_task BENCH_BODY_FILE="$work/single.json" \
    wrk -t2 -c"$connections" -d3s -s "$bench/api.lua" "http://127.0.0.1:$JOBS_SERVER_PORT" >/dev/null
PGPASSWORD="$JOBS_PG_PASSWORD" "$pgbench_bin" -h 127.0.0.1 -p "$JOBS_PG_PORT" -U jobs -n -M prepared \
    -c "$connections" -j 2 -T 3 -f "$bench/pgbench-create-single.sql" "$db" >/dev/null 2>&1

declare -A r
for round in $(seq "$rounds"); do
    log "round $round: create_task single (${duration}s)"
    r[http-single-$round]="$(wrk_run "$work/single.json")"
    log "round $round: pgbench single"
    r[pg-single-$round]="$(pgbench_run "$bench/pgbench-create-single.sql")"
    log "round $round: create_task bulk of 100"
    r[http-bulk-$round]="$(wrk_run "$work/bulk.json")"
    log "round $round: pgbench bulk of 100"
    r[pg-bulk-$round]="$(pgbench_run "$bench/pgbench-create-bulk.sql")"
done
tasks="$(pg -d "$db" -c 'SELECT count(*) FROM tasks')"
backlog="$(pg -d "$db" -c 'SELECT count(*) FROM task_outbox')"

echo
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(uname -r); load now: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "duration ${duration}s per run, $connections connections / clients; server pool_size ${JOBS_DATABASE_POOL_SIZE:-default}, threads ${JOBS_SERVER_THREADS:-default}; pgbench -M prepared -j 2"
echo "tasks in the table at the end: $tasks; outbox backlog: $backlog"
printf '%-6s %-7s %-20s %12s %12s %10s %10s\n' round kind side requests/s tasks/s p50 p99
for round in $(seq "$rounds"); do
    for kind in single bulk; do
        per=1; [ "$kind" = bulk ] && per=100
        read -r h_rps h_p50 h_p99 <<<"${r[http-$kind-$round]}"
        read -r p_tps p_p50 p_p99 <<<"${r[pg-$kind-$round]}"
        printf '%-6s %-7s %-20s %12.0f %12.0f %10s %10s\n' "$round" "$kind" "create_task (HTTP)" "$h_rps" "$(python3 -c "print($h_rps*$per)")" "$h_p50" "$h_p99"
        printf '%-6s %-7s %-20s %12.0f %12.0f %10s %10s\n' "$round" "$kind" "pgbench (SQL)" "$p_tps" "$(python3 -c "print($p_tps*$per)")" "$p_p50" "$p_p99"
        printf '%-6s %-7s ratio create_task/pgbench: %s (bar >= 0.70)\n' "$round" "$kind" "$(python3 -c "print(f'{$h_rps/$p_tps:.2f}')")"
    done
done
