# Sourced by scripts/bench-whole.sh, scripts/bench-latency.sh and scripts/chaos.sh: a JobServer stack (jobserver serve +
# jobworker run) on its own database and exchange, on the private services of scripts/services.sh.
# Every process started here is recorded in STACK_PIDS and stopped by PID in stack_stop.
STACK_PIDS=()

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# stack_binaries: RELEASE_BIN, the directory of jobserver and jobworker ($BIN_DIR when set, for
# A/B runs against another build; else the release build, made here), and LOAD, the load
# generator (WholePathLoad, built here).
stack_binaries() {
    if [ -n "${BIN_DIR:-}" ]; then RELEASE_BIN="$BIN_DIR"; else build_release_products; fi
    local build=(swift build -c release --package-path "$ROOT/Benchmarks/WholePath" --scratch-path "$ROOT/Benchmarks/.build-whole")
    "${build[@]}" >/dev/null
    LOAD="$("${build[@]}" --show-bin-path)/WholePathLoad"
}

# stack_proc_arguments ARRAY DATABASE_URL SERVICES_ROOT: sets the array ARRAY to the load
# generator's --proc arguments for the running stack: server, worker, the database's PostgreSQL
# backends, and the RabbitMQ of SERVICES_ROOT's private services.
stack_proc_arguments() {
    local -n into="$1"
    into=(--proc "server=$SERVER_PID" --proc "worker=$WORKER_PID"
          --proc "postgres=$(pgrep -d, -f "postgres: [a-z]+ ${2##*/} " || echo 0)"
          --proc "rabbitmq=$(cat "$3/.local/rabbitmq/pid" 2>/dev/null || echo 0)")
}

# stack_database NAME: a fresh database NAME on the private server; prints its URL.
stack_database() {
    local name="$1"
    PGOPTIONS="--client-min-messages=warning" "${STACK_SERVICES:-$ROOT/scripts/services.sh}" psql -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" -c "CREATE DATABASE $name" >/dev/null
    printf '%s\n' "${JOBS_DATABASE_URL%/*}/$name"
}

# stack_prepare BIN DIR DATABASE_URL EXCHANGE: key, schema, an admin user "bench"; exports the
# JOBS_* variables for the server and the worker; the secret is in $DIR/bench.secret.
stack_prepare() {
    local bin="$1" dir="$2"
    mkdir -p "$dir"
    export JOBS_CONFIG="$ROOT/conf/jobserver.yaml"
    export JOBS_DATABASE_URL="$3"
    export JOBS_AMQP_EXCHANGE="$4"
    export JOBS_AUTH_KEY_FILE="$dir/jobserver.key"
    export JOBS_SERVER_LOG_LEVEL="${JOBS_SERVER_LOG_LEVEL:-warning}"
    [ -f "$JOBS_AUTH_KEY_FILE" ] || "$bin/jobserver" keygen "$JOBS_AUTH_KEY_FILE" >/dev/null
    "$bin/jobserver" migrate >/dev/null
    # A database copied from a template already has the user: give it a new secret instead.
    ( umask 077; { "$bin/jobserver" user add bench --role admin 2>/dev/null || "$bin/jobserver" user rotate-secret bench; } \
        | tail -1 > "$dir/bench.secret" )
}

# stack_start_server BIN PORT LOG: starts jobserver serve; waits for /health.
stack_start_server() {
    local bin="$1" port="$2" log="$3"
    JOBS_SERVER_PORT="$port" "$bin/jobserver" serve >>"$log" 2>&1 &
    SERVER_PID=$!
    STACK_PIDS+=("$SERVER_PID")
    for _ in $(seq 1 200); do
        python3 - "$port" <<'PY' 2>/dev/null && return 0
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1)
s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
sys.exit(0 if b" 200 " in s.recv(4096) else 1)
PY
        sleep 0.1
    done
    die "jobserver did not answer /health on port $port (log: $log)"
}

# stack_start_worker BIN LOG [ARGS...]: starts jobworker run; sets WORKER_PID.
stack_start_worker() {
    local bin="$1" log="$2"; shift 2
    "$bin/jobworker" run "$@" >>"$log" 2>&1 &
    WORKER_PID=$!
    STACK_PIDS+=("$WORKER_PID")
}

stack_stop() {
    local pid
    for pid in "${STACK_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${STACK_PIDS[@]}"; do
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    STACK_PIDS=()
}
