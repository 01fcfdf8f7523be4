#!/usr/bin/env bash
# Chaos run (SPEC section 11, reliability): while tasks flow at a steady rate through two
# workers, kill -9 a worker every ~10 s (and start it again), restart RabbitMQ twice and
# PostgreSQL twice. At the end every task must be final, none lost, none finished twice (from
# task_events); re-executions after kills are counted. Exits 1 on any loss or double finish.
#
#   scripts/chaos.sh [--tasks N] [--rate R] [--release] [--services-root DIR]
#   scripts/chaos.sh --short      about 2,000 tasks, one fault of each kind (under 3 minutes)
#
# Loopback only; its own database (chaos) and exchange (chaos); every process it starts is
# stopped by PID. The faults restart the private services of scripts/services.sh (start them
# first): anything else using them sees the restarts too. --services-root DIR uses the private
# services of another checkout-like directory (DIR/scripts/services.sh, DIR/.local) instead.
# Binaries: debug (`swift build`; SCRATCH=DIR for `--scratch-path DIR`) unless --release
# (.build-release).
set -euo pipefail
. "$(dirname "$0")/common.sh"
. "$ROOT/Benchmarks/WholePath/stack.sh"
cd "$ROOT"

tasks=20000 rate=100 short=0 configuration=debug services_root="$ROOT"
while [ $# -gt 0 ]; do
    case "$1" in
        --tasks) tasks="$2"; shift ;;
        --rate) rate="$2"; shift ;;
        --short) short=1; tasks=2000; rate=50 ;;
        --release) configuration=release ;;
        --services-root) services_root="$(cd "$2" && pwd)"; shift ;;
        *) die "unknown argument $1 (usage: scripts/chaos.sh [--short] [--tasks N] [--rate R] [--release] [--services-root DIR])" ;;
    esac
    shift
done
services="$services_root/scripts/services.sh"
STACK_SERVICES="$services"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
"$services" status >/dev/null 2>&1 || die "the private services are not running: $services start"
set -a; . "$services_root/.local/services.env"; set +a

require_swift
if [ "$configuration" = release ]; then
    build_release_products
    BIN="$RELEASE_BIN"
else
    BIN="$(swift build ${SCRATCH:+--scratch-path "$SCRATCH"} --show-bin-path)"
fi
[ -x "$BIN/jobserver" ] && [ -x "$BIN/jobworker" ] || die "no jobserver / jobworker in $BIN: run swift build first"

DIR="$ROOT/.local/chaos"
mkdir -p "$DIR"
rm -f "$DIR"/*.log
FAULT_PID=""
cleanup() {
    [ -n "$FAULT_PID" ] && kill -TERM "$FAULT_PID" 2>/dev/null || true
    [ -n "$FAULT_PID" ] && wait "$FAULT_PID" 2>/dev/null || true
    stack_stop
    # A fault may have been cut short: leave the services running.
    "$services" status >/dev/null 2>&1 || { "$services" start-postgres >/dev/null 2>&1 || true; "$services" start-rabbitmq >/dev/null 2>&1 || true; }
}
trap cleanup EXIT
trap 'exit 130' INT TERM

database="$(stack_database chaos)"
stack_prepare "$BIN" "$DIR" "$database" chaos
secret="$(cat "$DIR/bench.secret")"
# Short leases so that a killed worker's tasks come back within seconds.
export JOBS_WORKER_LEASE_SECONDS=4 JOBS_WORKER_HEARTBEAT_SECONDS=1 JOBS_WORKER_CONCURRENCY=16
port="$(free_port)"
stack_start_server "$BIN" "$port" "$DIR/server.log"
stack_start_worker "$BIN" "$DIR/worker1.log"; worker1=$WORKER_PID
stack_start_worker "$BIN" "$DIR/worker2.log"; worker2=$WORKER_PID
echo "$worker1 $worker2" > "$DIR/workers.pids"

duration=$(( (tasks + rate - 1) / rate ))
batch="chaos-$(date +%s)"
log "$tasks tasks at $rate/s (~${duration}s) through 2 workers; faults: $([ "$short" = 1 ] && echo 'one kill -9, one RabbitMQ restart, one PostgreSQL restart' || echo 'kill -9 every ~10 s, RabbitMQ x2, PostgreSQL x2')"

# The fault schedule, in seconds from the start: kills, broker and database restarts. It runs in
# a subshell; the workers it restarts are written to $DIR/workers.pids and stopped at the end.
faults() {
    local -a events=()
    if [ "$short" = 1 ]; then
        events=("$((duration / 5)) kill" "$((duration * 2 / 5)) rabbitmq" "$((duration * 3 / 5)) postgres")
    else
        local t
        for ((t = 10; t < duration; t += 10)); do events+=("$t kill"); done
        events+=("$((duration * 3 / 10)) rabbitmq" "$((duration * 7 / 10)) rabbitmq" "$((duration / 2)) postgres" "$((duration * 17 / 20)) postgres")
    fi
    printf '%s\n' "${events[@]}" > "$DIR/faults.planned"
    local start=$SECONDS turn=0 event at kind
    # The commands below must not read the schedule from this loop's standard input.
    while read -r at kind <&3; do
        while [ $((SECONDS - start)) -lt "$at" ]; do sleep 0.2; done
        case "$kind" in
            kill)
                read -r w1 w2 < "$DIR/workers.pids"
                if [ $((turn % 2)) = 0 ]; then victim=$w1; else victim=$w2; fi
                kill -KILL "$victim" 2>/dev/null || true
                echo "[chaos] t=$((SECONDS - start))s kill -9 worker $victim" >&2
                sleep 0.5
                "$BIN/jobworker" run >>"$DIR/worker$((turn % 2 + 1)).log" 2>&1 &
                if [ $((turn % 2)) = 0 ]; then w1=$!; else w2=$!; fi
                echo "$w1 $w2" > "$DIR/workers.pids"
                echo kill >> "$DIR/faults.done"
                turn=$((turn + 1)) ;;
            rabbitmq)
                echo "[chaos] t=$((SECONDS - start))s restarting RabbitMQ" >&2
                "$services" stop-rabbitmq >/dev/null 2>&1; sleep 1; "$services" start-rabbitmq >/dev/null 2>&1
                echo "[chaos] t=$((SECONDS - start))s RabbitMQ back" >&2
                echo rabbitmq >> "$DIR/faults.done" ;;
            postgres)
                echo "[chaos] t=$((SECONDS - start))s restarting PostgreSQL" >&2
                "$services" restart-postgres >/dev/null 2>&1
                echo "[chaos] t=$((SECONDS - start))s PostgreSQL back" >&2
                echo postgres >> "$DIR/faults.done" ;;
        esac
    done 3< <(printf '%s\n' "${events[@]}" | sort -n)
}
: > "$DIR/faults.done"
faults &
FAULT_PID=$!

python3 "$ROOT/scripts/chaos-feed.py" "$port" bench "$secret" "$tasks" "$rate" "$batch" "$DIR/ids.txt"
wait "$FAULT_PID" || true
FAULT_PID=""
read -r w1 w2 < "$DIR/workers.pids"
STACK_PIDS+=("$w1" "$w2")

psql_chaos() { "$PG_BIN/psql" -X -q -tA -v ON_ERROR_STOP=1 "$database" "$@"; }
# Restarted workers replace killed ones; a worker that died by itself is a failure to report.
for pid in "$w1" "$w2" "$SERVER_PID"; do kill -0 "$pid" 2>/dev/null || log "warning: process $pid exited on its own"; done
log "feeding done; waiting (up to 90 s) until every task is final"
wait_end=$((SECONDS + 90))
while [ "$SECONDS" -lt "$wait_end" ]; do
    left="$(psql_chaos -c "SELECT count(*) FROM tasks WHERE batch = '$batch' AND status NOT IN ('finished', 'failed', 'cancelled')" 2>/dev/null || echo -1)"
    [ "$left" = 0 ] && break
    sleep 0.1
done

report="$(psql_chaos <<SQL
CREATE TEMP TABLE acked (task_id text);
\copy acked FROM '$DIR/ids.txt'
SELECT 'acknowledged', count(DISTINCT task_id) FROM acked;
SELECT 'in_database', count(*) FROM tasks WHERE batch = '$batch';
SELECT 'status_' || status, count(*) FROM tasks WHERE batch = '$batch' GROUP BY status ORDER BY 1;
SELECT 'lost', count(*) FROM acked a LEFT JOIN tasks t USING (task_id)
    WHERE t.task_id IS NULL OR t.status NOT IN ('finished', 'failed', 'cancelled');
SELECT 'finished_twice', count(*) FROM (SELECT task_id FROM task_events WHERE to_status = 'finished'
    AND task_id IN (SELECT task_id FROM acked) GROUP BY task_id HAVING count(*) > 1) d;
SELECT 're_executions', coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM task_events
    WHERE to_status = 'running' AND task_id IN (SELECT task_id FROM acked) GROUP BY task_id) r;
SELECT 'tasks_re_executed', count(*) FROM (SELECT task_id FROM task_events WHERE to_status = 'running'
    AND task_id IN (SELECT task_id FROM acked) GROUP BY task_id HAVING count(*) > 1) r;
SELECT 'rescued_by_reaper', count(*) FROM task_events WHERE actor = 'reaper' AND task_id IN (SELECT task_id FROM acked);
SQL
)"
value() { awk -F'|' -v k="$1" '$1 == k {print $2}' <<<"$report"; }
faults_done="$(sort "$DIR/faults.done" | uniq -c | awk '{printf "%s %s, ", $1, $2}')"
echo
echo "chaos report ($batch, $(basename "$BIN"), $tasks tasks at $rate/s)"
echo "  faults: ${faults_done%, }"
echo "  tasks: requested $tasks, acknowledged $(value acknowledged), in database $(value in_database)"
echo "  final states: $(awk -F'|' '$1 ~ /^status_/ {sub("status_", "", $1); printf "%s %s  ", $1, $2}' <<<"$report")"
echo "  lost: $(value lost)"
echo "  finished twice: $(value finished_twice)"
echo "  re-executions after kills: $(value re_executions) (tasks run more than once: $(value tasks_re_executed); rescued by the reaper: $(value rescued_by_reaper))"
status=0
[ "$(value acknowledged)" = "$tasks" ] || { echo "  FAIL: not every task was acknowledged"; status=1; }
[ "$(value in_database)" = "$tasks" ] || { echo "  FAIL: the database holds $(value in_database) tasks of the batch, not $tasks"; status=1; }
[ "$(value lost)" = 0 ] || { echo "  FAIL: lost tasks"; status=1; }
[ "$(value finished_twice)" = 0 ] || { echo "  FAIL: tasks finished twice"; status=1; }
planned="$(wc -l < "$DIR/faults.planned")" done_count="$(wc -l < "$DIR/faults.done")"
[ "$done_count" = "$planned" ] || { echo "  FAIL: $done_count of $planned planned faults happened"; status=1; }
[ "$status" = 0 ] && echo "  PASS: every task final, none lost, none finished twice"
exit "$status"
