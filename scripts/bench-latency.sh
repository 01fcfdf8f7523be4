#!/usr/bin/env bash
# Where the pickup time goes: runs the whole stack (as scripts/bench-whole.sh does) with stage
# tracing on (JOBS_STAGE_TRACE, see Sources/PosixIO/StageTrace.swift), creates no-op tasks at a
# fixed rate, and prints for each step of the path create -> running its p50 / p90 / p99 in ms,
# from the server's and the worker's marks and PostgreSQL's created_at / started_at.
# Release builds; loopback only; every process it starts is stopped by PID on exit.
#
#   scripts/bench-latency.sh [RATE] [SECONDS]     default 1000 tasks/s for 10 s
#   BIN_DIR=DIR scripts/bench-latency.sh ...       jobserver and jobworker from DIR, not built here
#                                                  (for A/B runs against another build)
#
# The marks cost a write(2) per mark (per batch and stage): figures are a little slower than
# bench-whole's. Prints the server's, worker's, PostgreSQL's and RabbitMQ's CPU too.
set -euo pipefail
. "$(dirname "$0")/common.sh"
. "$ROOT/Benchmarks/WholePath/stack.sh"
cd "$ROOT"
RATE="${1:-1000}" SECONDS_OPEN="${2:-10}"
[[ "$RATE" =~ ^[0-9]+$ && "$SECONDS_OPEN" =~ ^[0-9]+$ ]] || die "usage: $0 [RATE] [SECONDS]"
OUT="$ROOT/.local/bench-latency"
mkdir -p "$OUT"

bring_up_services
trap 'stack_stop; stop_services_started_here' EXIT
trap 'exit 130' INT TERM
stack_binaries

database="$(stack_database bench_latency)"
stack_prepare "$RELEASE_BIN" "$OUT" "$database" benchlatency
secret="$(cat "$OUT/bench.secret")"
port="$(free_port)"
rm -f "$OUT/server.trace" "$OUT/worker.trace"
JOBS_STAGE_TRACE="$OUT/server.trace" stack_start_server "$RELEASE_BIN" "$port" "$OUT/server.log"
JOBS_STAGE_TRACE="$OUT/worker.trace" stack_start_worker "$RELEASE_BIN" "$OUT/worker.log" --concurrency 256
sleep 1
load() { "$LOAD" --port "$port" --user bench --secret "$secret" --database "$database" "$@"; }
log "warm-up"
load --tasks 2000 --concurrency 16 --label warmup >/dev/null
: > "$OUT/server.trace"; : > "$OUT/worker.trace"
since="$(psql -Atc "SELECT now()" "$database")"
log "open loop at $RATE tasks/s for ${SECONDS_OPEN}s"
stack_proc_arguments procs "$database" "$ROOT"
load --tasks "$((RATE * SECONDS_OPEN))" --rate "$RATE" --concurrency 64 --label traced "${procs[@]}"
psql -Atc "COPY (SELECT task_id, (extract(epoch FROM created_at) * 1e6)::int8, (extract(epoch FROM started_at) * 1e6)::int8
               FROM tasks WHERE created_at > '$since' AND started_at IS NOT NULL) TO STDOUT" "$database" > "$OUT/tasks.tsv"
python3 Benchmarks/WholePath/stage_breakdown.py "$OUT/tasks.tsv" "$OUT/server.trace" "$OUT/worker.trace"
