#!/usr/bin/env bash
# Whole-path benchmark (SPEC section 11): no-op `echo` tasks created through the HTTP API with
# auth, run by a worker, create -> finished; against, in the same run on the same machine,
# (a) a Flask + gunicorn + Celery + RabbitMQ + PostgreSQL stack like the seeds', (b) raw Celery
# (no HTTP, no database), (c) pgbench running the SQL one task costs here (the database ceiling).
# Release builds; loopback only; every process it starts is stopped by PID on exit.
#
#   scripts/bench-whole.sh                 ours + peers (about 5 minutes)
#   scripts/bench-whole.sh --no-peers      ours only
#   scripts/bench-whole.sh --scale [ROWS]  ours, then again with `tasks` pre-filled to ROWS
#                                          (default 10,000,000; the filled database is kept as a
#                                          template in the private server for the next run)
# Environment: TASKS (single creates, 20000), BULK_TASKS (50000), CONCURRENCY (32),
#   WORKER_CONCURRENCY (256: runs and prefetch of the one worker; a no-op run is short, so
#   throughput follows the deliveries in flight), PEER_TASKS (4000), RAW_TASKS (20000), OPEN_SECONDS (10),
#   OPEN_RATES ("250 500": more open-loop runs at these fixed rates, for the latency curve; "" for none),
#   BIN_DIR (jobserver and jobworker from this directory instead of building them: A/B runs).
# Needs: the Debian packages of scripts/services.sh, python3-venv; PyPI for the peers' venv
# (celery, flask, gunicorn, psycopg2-binary in .local/bench-peers/venv, made once).
set -euo pipefail
. "$(dirname "$0")/common.sh"
. "$ROOT/Benchmarks/WholePath/stack.sh"
cd "$ROOT"

peers=1 scale_rows=0
while [ $# -gt 0 ]; do
    case "$1" in
        --no-peers) peers=0 ;;
        --scale) scale_rows=10000000; if [[ "${2:-}" =~ ^[0-9]+$ ]]; then scale_rows="$2"; shift; fi; peers=0 ;;
        *) die "unknown argument $1 (see the header of this script)" ;;
    esac
    shift
done
TASKS="${TASKS:-20000}" BULK_TASKS="${BULK_TASKS:-50000}" CONCURRENCY="${CONCURRENCY:-32}"
WORKER_CONCURRENCY="${WORKER_CONCURRENCY:-256}" PEER_TASKS="${PEER_TASKS:-4000}" RAW_TASKS="${RAW_TASKS:-20000}"
OPEN_SECONDS="${OPEN_SECONDS:-10}" OPEN_RATES="${OPEN_RATES-250 500}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PEERS_DIR="$ROOT/.local/bench-peers"
LOGS="$PEERS_DIR/logs"
mkdir -p "$LOGS"
RESULTS="$LOGS/results.txt"
: > "$RESULTS"

require_swift
# SERVICES_ROOT=DIR: the private services of DIR/scripts/services.sh (another checkout-like
# directory), for a quiet database when others share this checkout's.
SERVICES="${SERVICES_ROOT:-$ROOT}/scripts/services.sh"
STACK_SERVICES="$SERVICES"
started_services=0
"$SERVICES" status >/dev/null 2>&1 || started_services=1
PEER_PIDS=()
cleanup() {
    stack_stop
    local pid
    for pid in "${PEER_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PEER_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    [ "$started_services" = 1 ] && "$SERVICES" stop || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
"$SERVICES" start >/dev/null
set -a; . "${SERVICES_ROOT:-$ROOT}/.local/services.env"; set +a
BASE_DATABASE_URL="$JOBS_DATABASE_URL"

log "building release binaries (.build-release, Benchmarks/.build-whole)"
stack_binaries
BIN="$RELEASE_BIN"

if [ "$peers" = 1 ] && [ ! -x "$PEERS_DIR/venv/bin/celery" ]; then
    log "setting up the peers' Python environment in $PEERS_DIR/venv (PyPI)"
    python3 -m venv "$PEERS_DIR/venv" || die "python3 -m venv failed (apt-get install python3-venv)"
    "$PEERS_DIR/venv/bin/pip" install -q celery flask gunicorn psycopg2-binary
fi

# field LABEL KEY: a value from the RESULT lines.
field() { awk -v label="$1" -v key="$2" '$1 == "RESULT" && $2 == label { for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == key) v = kv[2] } } END { print v }' "$RESULTS"; }
ratio() { python3 -c "import sys; a, b = float(sys.argv[1] or 0), float(sys.argv[2] or 0); print(f'{a / b:.2f}' if b else 'n/a')" "$1" "$2"; }

# MARK: ours

run_ours() {  # run_ours SUFFIX DATABASE_URL
    local suffix="$1" database="$2"
    stack_prepare "$BIN" "$PEERS_DIR/ours" "$database" benchwhole
    local secret port
    secret="$(cat "$PEERS_DIR/ours/bench.secret")"
    port="$(free_port)"
    stack_start_server "$BIN" "$port" "$LOGS/server.log"
    stack_start_worker "$BIN" "$LOGS/worker.log" --concurrency "$WORKER_CONCURRENCY"
    sleep 1
    load() {
        local procs; stack_proc_arguments procs "$database" "${SERVICES_ROOT:-$ROOT}"
        "$LOAD" --port "$port" --user bench --secret "$secret" --database "$database" "${procs[@]}" "$@" | tee -a "$RESULTS"
    }
    log "ours$suffix: warm-up"
    load --tasks 2000 --concurrency 16 --label "warmup$suffix" >/dev/null
    log "ours$suffix: $TASKS single creates, $CONCURRENCY connections"
    load --tasks "$TASKS" --concurrency "$CONCURRENCY" --label "ours_single$suffix"
    log "ours$suffix: $BULK_TASKS tasks in bulk creates of 100, 4 connections"
    load --tasks "$BULK_TASKS" --concurrency 4 --bulk 100 --label "ours_bulk$suffix"
    local max half
    max="$(field "ours_single$suffix" e2e_tps)"
    half="$(python3 -c "print(int(float('$max') / 2))")"
    log "ours$suffix: open loop at $half tasks/s (half the single-create maximum) for ${OPEN_SECONDS}s"
    load --tasks "$((half * OPEN_SECONDS))" --rate "$half" --concurrency 64 --label "ours_open$suffix"
    local rate
    for rate in $OPEN_RATES; do
        log "ours$suffix: open loop at $rate tasks/s for ${OPEN_SECONDS}s (latency curve)"
        load --tasks "$((rate * OPEN_SECONDS))" --rate "$rate" --concurrency 64 --label "ours_open_$rate$suffix"
    done
    stack_stop
}

ours_db="$(stack_database bench_whole)"
run_ours "" "$ours_db"

if [ "$scale_rows" -gt 0 ]; then
    template="bench_whole_${scale_rows}"
    if ! "$SERVICES" psql -tAc "SELECT 1 FROM pg_database WHERE datname = '$template'" | grep -q 1; then
        log "pre-filling $template with $scale_rows finished tasks (once; kept for later runs)"
        "$SERVICES" psql -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $template TEMPLATE bench_whole" >/dev/null
        JOBS_DATABASE_URL="${BASE_DATABASE_URL%/*}/$template" "$BIN/jobserver" migrate >/dev/null
        "$PG_BIN/psql" -q -v ON_ERROR_STOP=1 "${BASE_DATABASE_URL%/*}/$template" <<SQL
DELETE FROM tasks; DELETE FROM task_events; DELETE FROM task_outbox;
INSERT INTO tasks (task_id, service, status, condition, result, batch, attempt, max_attempts, timeout_seconds,
                   owner, worker_id, progress, created_at, started_at, ended_at, updated_at, run_at)
SELECT 'ts_echo_' || md5(g::text), 'echo', 'finished', '{"n":1}', '{"n":1}', 'fill-' || (g / 10000),
       1, 3, 3600, 'bench', 'fill', 1, t, t, t, t, t
FROM generate_series(1, $scale_rows) g, LATERAL (SELECT now() - make_interval(secs => g / 100.0) AS t) x;
VACUUM ANALYZE tasks;
SQL
    fi
    scale_db="bench_whole_scale"
    "$SERVICES" psql -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $scale_db WITH (FORCE)" -c "CREATE DATABASE $scale_db TEMPLATE $template" >/dev/null
    run_ours "_scale" "${BASE_DATABASE_URL%/*}/$scale_db"
fi

# MARK: peers

if [ "$peers" = 1 ]; then
    PY="$PEERS_DIR/venv/bin"
    flask_db="$(stack_database bench_flask)"
    "$PG_BIN/psql" -q -v ON_ERROR_STOP=1 "$flask_db" -f Benchmarks/WholePath/peers/schema.sql >/dev/null
    export PEER_DATABASE_URL="$flask_db" PEER_AMQP_URL="$JOBS_AMQP_URL" PEER_USER=bench
    export PEER_SECRET="$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
    export PEER_COUNTER_FILE="$PEERS_DIR/raw.counter"
    cd "$ROOT/Benchmarks/WholePath/peers"
    "$PY/celery" -A celery_app purge -f -Q peer_stack,peer_raw >/dev/null 2>&1 || true
    "$PY/celery" -A celery_app worker -Q peer_stack,peer_raw --concurrency "$(nproc)" --pool prefork \
        --without-gossip --without-mingle --without-heartbeat --loglevel warning >"$LOGS/celery.log" 2>&1 &
    celery_pid=$!; PEER_PIDS+=("$celery_pid")
    flask_port="$(free_port)"
    "$PY/gunicorn" --workers "$((2 * $(nproc)))" --bind "127.0.0.1:$flask_port" --log-level warning flask_app:app >"$LOGS/gunicorn.log" 2>&1 &
    gunicorn_pid=$!; PEER_PIDS+=("$gunicorn_pid")
    cd "$ROOT"
    for _ in $(seq 1 100); do
        python3 -c "import socket; socket.create_connection(('127.0.0.1', $flask_port)).close()" 2>/dev/null && break
        sleep 0.1
    done
    sleep 3  # Celery's pool processes
    family() { echo "$1,$(pgrep -d, -P "$1")"; }
    log "flask + celery: warm-up, then $PEER_TASKS single creates, 16 connections"
    "$LOAD" --port "$flask_port" --user bench --secret "$PEER_SECRET" --database "$flask_db" --tasks 500 \
        --concurrency 16 --label warmup_flask >/dev/null
    "$LOAD" --port "$flask_port" --user bench --secret "$PEER_SECRET" --database "$flask_db" --tasks "$PEER_TASKS" \
        --concurrency 16 --label flask_celery --proc "web=$(family "$gunicorn_pid")" --proc "worker=$(family "$celery_pid")" \
        | tee -a "$RESULTS"
    log "raw celery: $RAW_TASKS no-op tasks, one producer, $(nproc) prefork processes"
    (cd Benchmarks/WholePath/peers && "$PY/python" raw_celery.py "$RAW_TASKS") | tee -a "$RESULTS"
    kill -TERM "$gunicorn_pid" "$celery_pid" 2>/dev/null || true

    log "pgbench: the SQL of one task (create, relay, claim, complete), 8 clients, 10 s"
    pgbench_out="$("$PG_BIN/pgbench" -n -M prepared -c 8 -j 2 -T 10 -f Benchmarks/WholePath/peers/pgbench_task.sql "$ours_db" 2>&1)"
    tps="$(awk '/^tps = / {print $3; exit}' <<<"$pgbench_out")"
    echo "pgbench: $tps tasks/s (4 transactions each)"
    echo "RESULT pgbench e2e_tps=$tps" >> "$RESULTS"
fi

# MARK: report

echo
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(uname -r), $(free -g | awk '/Mem:/ {print $2}') GiB"
printf '%-20s %10s %10s %10s %9s %9s %9s %9s %9s %9s\n' run create/s tasks/s e2e/s run50 run95 run99 fin50 fin95 fin99
for label in ours_single ours_bulk ours_open $(for rate in $OPEN_RATES; do echo "ours_open_$rate"; done) \
        ours_single_scale ours_bulk_scale ours_open_scale flask_celery; do
    [ -n "$(field "$label" tasks)" ] || continue
    printf '%-20s %10s %10s %10s %9s %9s %9s %9s %9s %9s\n' "$label" "$(field "$label" create_rps)" "$(field "$label" create_tps)" \
        "$(field "$label" e2e_tps)" "$(field "$label" run_p50)" "$(field "$label" run_p95)" "$(field "$label" run_p99)" \
        "$(field "$label" fin_p50)" "$(field "$label" fin_p95)" "$(field "$label" fin_p99)"
done
echo "(latencies in ms from the database timestamps; e2e/s = finished tasks / (last ended_at - first created_at))"
for label in ours_single ours_bulk flask_celery; do
    [ -n "$(field "$label" tasks)" ] || continue
    [ -n "$(field "$label" postgres_cpu_s)" ] && echo "$label: PostgreSQL backends CPU $(field "$label" postgres_cpu_s) s; RabbitMQ CPU $(field "$label" rabbitmq_cpu_s) s"
    echo "$label: server/web peak RSS $(field "$label" server_rss_mib)$(field "$label" web_rss_mib) MiB, CPU $(field "$label" server_cpu_s)$(field "$label" web_cpu_s) s; worker peak RSS $(field "$label" worker_rss_mib) MiB, CPU $(field "$label" worker_cpu_s) s"
done
if [ "$peers" = 1 ]; then
    best="$(python3 -c "print(max(float('$(field ours_single e2e_tps)'), float('$(field ours_bulk e2e_tps)')))")"
    echo "raw celery: $(field celery_raw e2e_tps) tasks/s end to end (send $(field celery_raw send_rps)/s); pgbench: $(field pgbench e2e_tps) tasks/s"
    echo "ratio ours single / flask+celery: $(ratio "$(field ours_single e2e_tps)" "$(field flask_celery e2e_tps)")  (bar >= 10)"
    echo "ratio ours bulk   / flask+celery: $(ratio "$(field ours_bulk e2e_tps)" "$(field flask_celery e2e_tps)")  (bar >= 10)"
    echo "ratio ours best   / raw celery:   $(ratio "$best" "$(field celery_raw e2e_tps)")  (bar >= 3)"
    echo "ratio ours best   / pgbench:      $(ratio "$best" "$(field pgbench e2e_tps)")  (the database ceiling of the unbatched SQL)"
fi
echo "pickup at half the max rate (ours_open): p50 $(field ours_open run_p50) ms (bar <= 3), p99 $(field ours_open run_p99) ms (bar <= 15)"
if [ "$scale_rows" -gt 0 ]; then
    for key in create_rps e2e_tps run_p50 run_p99; do
        echo "scale ($scale_rows rows) single $key: $(field ours_single "$key") -> $(field ours_single_scale "$key") (ratio $(ratio "$(field ours_single_scale "$key")" "$(field ours_single "$key")"))"
    done
    for key in run_p50 run_p99; do
        echo "scale ($scale_rows rows) open-loop $key: $(field ours_open "$key") -> $(field ours_open_scale "$key") (ratio $(ratio "$(field ours_open_scale "$key")" "$(field ours_open "$key")"))"
    done
fi
