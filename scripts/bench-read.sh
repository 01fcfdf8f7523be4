#!/usr/bin/env bash
# Reads at 10 million rows (SPEC section 11): `POST /api/tasks` with `total` (no filter, filters,
# first pages and deep keyset pages, admin and plain user) and `status_task` with 100 ids, p50 /
# p99 over HTTP with auth. Bar: p99 < 50 ms.
#
# Usage: scripts/bench-read.sh [DURATION_SECONDS (default 10)] [ROUNDS (default 2)]
# Environment: BENCH_ROWS (default 10000000), BENCH_CONNECTIONS (default 4),
#              BENCH_REFILL=1 to refill although the database already holds BENCH_ROWS tasks.
# Needs: the private services (scripts/services.sh start), wrk, python3.
# The database "jobserver_bench_read" on the private server is filled once (a few minutes; see
# Benchmarks/Tasks/fill-tasks.sql) and reused by later runs. Starts its own `jobserver serve`
# (release) on a free loopback port, exchange "bench"; everything it starts is stopped by PID.
set -euo pipefail
. "$(dirname "$0")/common.sh"
cd "$ROOT"
duration="${1:-10}"
rounds="${2:-2}"
rows="${BENCH_ROWS:-10000000}"
connections="${BENCH_CONNECTIONS:-4}"
bench="$ROOT/Benchmarks/Tasks"
command -v wrk >/dev/null || die "wrk is missing (apt-get install wrk)"
require_swift
"$ROOT/scripts/services.sh" status >/dev/null || die "private services are down: scripts/services.sh start"
load_services_env

build_release_products
bin="$RELEASE_BIN"

work="$(mktemp -d /tmp/bench-read.XXXXXX)"
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && { kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
    rm -rf "$work"
}
trap cleanup EXIT

db=jobserver_bench_read
pg() { PGPASSWORD="$JOBS_PG_PASSWORD" psql -h 127.0.0.1 -p "$JOBS_PG_PORT" -U jobs -v ON_ERROR_STOP=1 -Atq "$@"; }
pg -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 || pg -d postgres -c "CREATE DATABASE $db"
export JOBS_CONFIG="$ROOT/conf/jobserver.yaml"
export JOBS_DATABASE_URL="postgresql://jobs:$JOBS_PG_PASSWORD@127.0.0.1:$JOBS_PG_PORT/$db"
export JOBS_AMQP_EXCHANGE=bench
export JOBS_AUTH_KEY_FILE="$work/secret.key"
export JOBS_SERVER_LOG_LEVEL=warning
"$bin/jobserver" keygen "$JOBS_AUTH_KEY_FILE" >/dev/null
"$bin/jobserver" migrate >/dev/null
# Fresh users each run (the key is new): an admin sees every task, alice only her own.
pg -d "$db" -c "DELETE FROM users WHERE name IN ('bench', 'alice')"
admin_secret="$("$bin/jobserver" user add bench --role admin 2>/dev/null | tail -1)"
user_secret="$("$bin/jobserver" user add alice --role user 2>/dev/null | tail -1)"

have="$(pg -d "$db" -c "SELECT COALESCE(sum(n), 0) FROM task_counts")"
if [ "${BENCH_REFILL:-0}" = 1 ] || [ "$have" != "$rows" ]; then
    log "filling tasks with $rows rows (takes minutes)"
    started=$SECONDS
    pg -d "$db" -v rows="$rows" -f "$bench/fill-tasks.sql" >"$work/fill.log"
    log "filled in $((SECONDS - started)) s"
fi
size="$(pg -d "$db" -c "SELECT pg_size_pretty(pg_total_relation_size('tasks'))")"

export JOBS_SERVER_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$bin/jobserver" serve >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$JOBS_SERVER_PORT/health" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$JOBS_SERVER_PORT/health" >/dev/null || { cat "$work/server.log" >&2; die "jobserver did not start"; }

seconds=$(( (duration + 2) * rounds * 12 + 120 ))
python3 "$bench/auth_table.py" bench "$admin_secret" "$seconds" >"$work/auth-admin.lua"
python3 "$bench/auth_table.py" alice "$user_secret" "$seconds" >"$work/auth-alice.lua"

# Request bodies, as Lua lists of JSON texts (one is picked per request, round-robin).
lua_list() { python3 -c 'import sys; print("return {"); [print("[==[" + l.rstrip("\n") + "]==],") for l in sys.stdin if l.strip()]; print("}")'; }
one() { printf '%s\n' "$1" | lua_list >"$work/$2.lua"; }
one '{"p_size":10}' list-first
one '{"p_size":10,"service":"resize","status":"failed"}' list-service-status
one '{"p_size":10,"status":"running"}' list-status-rare
one '{"p_size":10,"batch":"2026-01-04"}' list-batch
one '{"p_size":10,"tag":"gpu","service":"echo"}' list-tag-service
one '{"p_size":10,"tag":"gpu","service":"ocr"}' list-tag-empty
# Deep keyset pages: cursors at 200 random depths of the whole list (admin) and of alice's.
pg -d "$db" -c "
    SELECT json_build_object('p_size', 100, 'cursor', (extract(epoch FROM created_at) * 1000000)::int8 || '.' || task_id)
    FROM tasks WHERE created_at IN (
        SELECT timestamptz '2026-01-01 00:00:00+00' + (1 + (random() * ($rows - 200))::int8) * interval '100 ms'
        FROM generate_series(1, 200))" | lua_list >"$work/list-deep.lua"
pg -d "$db" -c "
    SELECT json_build_object('p_size', 100, 'service', 'translate', 'cursor', (extract(epoch FROM created_at) * 1000000)::int8 || '.' || task_id)
    FROM tasks WHERE created_at IN (
        SELECT timestamptz '2026-01-01 00:00:00+00' + (1 + (random() * ($rows - 200))::int8) * interval '100 ms'
        FROM generate_series(1, 200))" | lua_list >"$work/list-deep-service.lua"
pg -d "$db" -c "
    SELECT json_build_object('p_size', 100, 'cursor', (extract(epoch FROM created_at) * 1000000)::int8 || '.' || task_id)
    FROM tasks WHERE owner = 'alice' AND created_at IN (
        SELECT timestamptz '2026-01-01 00:00:00+00' + (1 + (random() * ($rows - 200))::int8) * interval '100 ms'
        FROM generate_series(1, 400))" | lua_list >"$work/user-deep.lua"
# status_task: 200 sets of 100 random existing ids (the id formula of fill-tasks.sql).
pg -d "$db" -c "
    SELECT json_build_object('data', json_agg(json_build_object('task_id', 'ts_' || (ARRAY['echo', 'resize',
               'transcode', 'thumbnail', 'ocr', 'translate', 'index', 'export', 'import', 'report', 'email', 'sms',
               'webhook', 'backup', 'cleanup', 'geocode', 'classify', 'embed', 'train', 'score'])[1 + (g * 7) % 20]
               || '_' || md5(g::text))))
    FROM (SELECT s, (1 + random() * ($rows - 1))::int8 AS g
          FROM generate_series(1, 200) AS s, generate_series(1, 100) AS i) AS picked
    GROUP BY s" | lua_list >"$work/status.lua"

# wrk_run USER ENDPOINT BODIES -> "req/s p50 p99 max"
wrk_run() {
    local output
    output="$(BENCH_AUTH_FILE="$work/auth-$1.lua" BENCH_ENDPOINT="$2" BENCH_BODIES_FILE="$work/$3.lua" \
        wrk -t1 -c"$connections" -d"${duration}s" --timeout 10s --latency -s "$bench/api.lua" \
        "http://127.0.0.1:$JOBS_SERVER_PORT")"
    if grep -q "Non-2xx\|Socket errors" <<<"$output"; then
        grep "Non-2xx\|Socket errors" <<<"$output" | sed "s/^/[bench-read] $3: wrk: /" >&2
    fi
    echo "$(awk '/^Requests\/sec:/ {print $2}' <<<"$output") $(awk '$1 == "50%" {print $2}' <<<"$output") $(awk '$1 == "99%" {print $2}' <<<"$output") $(awk '$1 == "Latency" {print $4; exit}' <<<"$output")"
}

scenarios=(
    "admin tasks list-first"
    "admin tasks list-service-status"
    "admin tasks list-status-rare"
    "admin tasks list-batch"
    "admin tasks list-tag-service"
    "admin tasks list-tag-empty"
    "admin tasks list-deep"
    "admin tasks list-deep-service"
    "alice tasks list-first"
    "alice tasks list-status-rare"
    "alice tasks user-deep"
    "admin status_task status"
)
log "warm-up"
for s in "${scenarios[@]}"; do
    read -r user endpoint bodies <<<"$s"
    BENCH_AUTH_FILE="$work/auth-$user.lua" BENCH_ENDPOINT="$endpoint" BENCH_BODIES_FILE="$work/$bodies.lua" \
        wrk -t1 -c"$connections" -d1s -s "$bench/api.lua" "http://127.0.0.1:$JOBS_SERVER_PORT" >/dev/null
done
declare -A r
for round in $(seq "$rounds"); do
    for s in "${scenarios[@]}"; do
        read -r user endpoint bodies <<<"$s"
        log "round $round: $user $endpoint $bodies (${duration}s)"
        r[$round-$bodies-$user]="$(wrk_run "$user" "$endpoint" "$bodies")"
    done
done

echo
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(uname -r); load now: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "tasks: $rows rows ($size with indexes); $connections connections, ${duration}s per run"
printf '%-6s %-6s %-22s %10s %10s %10s %10s  %s\n' round user scenario requests/s p50 p99 max "p99 < 50ms"
for round in $(seq "$rounds"); do
    for s in "${scenarios[@]}"; do
        read -r user endpoint bodies <<<"$s"
        read -r rps p50 p99 max <<<"${r[$round-$bodies-$user]}"
        ok="$(python3 -c "
v='$p99'
ms = float(v[:-2]) if v.endswith('ms') else float(v[:-2]) / 1000 if v.endswith('us') else float(v[:-1]) * 1000
print('yes' if ms < 50 else 'NO')")"
        printf '%-6s %-6s %-22s %10s %10s %10s %10s  %s\n' "$round" "$user" "$bodies" "$rps" "$p50" "$p99" "$max" "$ok"
    done
done
