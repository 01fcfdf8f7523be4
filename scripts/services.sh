#!/usr/bin/env bash
# Private PostgreSQL and RabbitMQ for development and tests, under .local/ in this checkout,
# listening on 127.0.0.1 only, on free ports. Never touches a system instance.
#
#   scripts/services.sh deps               install missing Debian packages (root), or print the line
#   scripts/services.sh start              start both (reuses them if already up), migrate nothing
#   scripts/services.sh stop               stop both, by PID
#   scripts/services.sh status             say what runs, exit 1 if either is down
#   scripts/services.sh env                print the environment file (.local/services.env)
#   scripts/services.sh restart-postgres   pg_ctl restart on the same port, wait until it answers
#   scripts/services.sh stop-postgres | start-postgres
#   scripts/services.sh stop-rabbitmq | start-rabbitmq
#   scripts/services.sh rabbitmqctl ARGS   rabbitmqctl against the private node
#   scripts/services.sh psql [ARGS]        psql against the private server
#
# .local/services.env (sourced by the Makefile's scripts and read by the tests) holds the URLs:
#   JOBS_TEST_PG_URL    superuser URL of the private PostgreSQL (database "postgres")
#   JOBS_DATABASE_URL   URL of the application database "jobserver"
#   JOBS_TEST_AMQP_URL / JOBS_AMQP_URL   URL of the private RabbitMQ
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="$ROOT/.local"
ENV_FILE="$LOCAL/services.env"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
RMQ_BIN="${RMQ_BIN:-/usr/lib/rabbitmq/bin}"
PACKAGES=(postgresql rabbitmq-server libpq-dev librabbitmq-dev libssl-dev pkg-config python3 curl)

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] error: %s\n' "$*" >&2; exit 1; }

# MARK: Debian packages

missing_packages() {
    local p missing=()
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    echo "${missing[*]:-}"
}

cmd_deps() {
    local missing; missing="$(missing_packages)"
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" != 0 ]; then
        echo "Missing Debian packages. Run as root:" >&2
        echo "  apt-get update && apt-get install -y $missing" >&2
        exit 1
    fi
    log "installing: $missing"
    export DEBIAN_FRONTEND=noninteractive
    # Keep the packages' own system services from starting: we run private instances only.
    local made_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; made_policy=1
    fi
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
    [ "$made_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
    return 0
}

# MARK: state

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

load_env() { [ -f "$ENV_FILE" ] && . "$ENV_FILE"; return 0; }

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# The PostgreSQL data directory must be reachable by the postgres user (initdb refuses root).
# A checkout under a private directory (mktemp -d is 0700) is not, so then it lives in /var/tmp.
pg_base_dir() {
    if runuser -u postgres -- test -x "$LOCAL" 2>/dev/null; then
        echo "$LOCAL/postgres"
    else
        echo "/var/tmp/jobserver-pg-$(printf '%s' "$ROOT" | md5sum | cut -c1-12)"
    fi
}

pg_pid() { [ -f "${JOBS_PG_DATA:-/nonexistent}/postmaster.pid" ] && head -1 "$JOBS_PG_DATA/postmaster.pid" || true; }
rmq_pid() { [ -f "$LOCAL/rabbitmq/pid" ] && cat "$LOCAL/rabbitmq/pid" || true; }

write_env() {
    mkdir -p "$LOCAL"
    cat > "$ENV_FILE.tmp" <<EOF
# Written by scripts/services.sh; private services of this checkout.
JOBS_PG_PORT=$JOBS_PG_PORT
JOBS_PG_DATA=$JOBS_PG_DATA
JOBS_PG_PASSWORD=$JOBS_PG_PASSWORD
JOBS_TEST_PG_URL=postgresql://jobs:$JOBS_PG_PASSWORD@127.0.0.1:$JOBS_PG_PORT/postgres
JOBS_DATABASE_URL=postgresql://jobs:$JOBS_PG_PASSWORD@127.0.0.1:$JOBS_PG_PORT/jobserver
JOBS_AMQP_PORT=$JOBS_AMQP_PORT
JOBS_AMQP_DIST_PORT=$JOBS_AMQP_DIST_PORT
JOBS_AMQP_EPMD_PORT=$JOBS_AMQP_EPMD_PORT
JOBS_TEST_AMQP_URL=amqp://guest:guest@127.0.0.1:$JOBS_AMQP_PORT/%2f
JOBS_AMQP_URL=amqp://guest:guest@127.0.0.1:$JOBS_AMQP_PORT/%2f
EOF
    chmod 600 "$ENV_FILE.tmp"; mv "$ENV_FILE.tmp" "$ENV_FILE"
}

ensure_ports() {
    mkdir -p "$LOCAL"
    load_env
    : "${JOBS_PG_PORT:=$(free_port)}"
    : "${JOBS_PG_DATA:=$(pg_base_dir)/data}"
    : "${JOBS_PG_PASSWORD:=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')}"
    : "${JOBS_AMQP_PORT:=$(free_port)}"
    : "${JOBS_AMQP_DIST_PORT:=$(free_port)}"
    : "${JOBS_AMQP_EPMD_PORT:=$(free_port)}"
    write_env
}

# MARK: PostgreSQL

pg_ctl() { runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$JOBS_PG_DATA" "$@"; }

pg_ready() { PGPASSWORD="$JOBS_PG_PASSWORD" psql -h 127.0.0.1 -p "$JOBS_PG_PORT" -U jobs -d postgres -Atqc 'select 1' >/dev/null 2>&1; }

pg_init() {
    local base; base="$(dirname "$JOBS_PG_DATA")"
    mkdir -p "$base"; chown postgres: "$base"; chmod 700 "$base"
    local pwfile="$base/pwfile"
    printf '%s\n' "$JOBS_PG_PASSWORD" > "$pwfile"; chown postgres: "$pwfile"; chmod 600 "$pwfile"
    log "initdb $JOBS_PG_DATA"
    runuser -u postgres -- "$PG_BIN/initdb" -D "$JOBS_PG_DATA" -U jobs --pwfile="$pwfile" \
        --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pwfile"
    cat >> "$JOBS_PG_DATA/postgresql.conf" <<EOF
# scripts/services.sh: private instance on loopback
listen_addresses = '127.0.0.1'
port = $JOBS_PG_PORT
unix_socket_directories = '$base'
max_connections = 200
shared_buffers = 256MB
fsync = on
synchronous_commit = on
logging_collector = off
EOF
}

cmd_start_postgres() {
    ensure_ports
    if alive "$(pg_pid)" && pg_ready; then log "postgres already up on 127.0.0.1:$JOBS_PG_PORT"; return 0; fi
    [ -f "$JOBS_PG_DATA/PG_VERSION" ] || pg_init
    log "starting postgres on 127.0.0.1:$JOBS_PG_PORT"
    pg_ctl -l "$(dirname "$JOBS_PG_DATA")/postgres.log" -w -t 60 start >/dev/null \
        || die "postgres did not start; see $(dirname "$JOBS_PG_DATA")/postgres.log"
    local i; for i in $(seq 1 100); do pg_ready && break; sleep 0.1; done
    pg_ready || die "postgres does not answer on 127.0.0.1:$JOBS_PG_PORT"
    PGPASSWORD="$JOBS_PG_PASSWORD" psql -h 127.0.0.1 -p "$JOBS_PG_PORT" -U jobs -d postgres -Atqc \
        "select 1 from pg_database where datname='jobserver'" | grep -q 1 \
        || PGPASSWORD="$JOBS_PG_PASSWORD" psql -h 127.0.0.1 -p "$JOBS_PG_PORT" -U jobs -d postgres -qc 'create database jobserver' >/dev/null
}

cmd_stop_postgres() {
    load_env
    local pid; pid="$(pg_pid)"
    alive "$pid" || return 0
    log "stopping postgres (pid $pid)"
    kill -INT "$pid" 2>/dev/null || true   # fast shutdown
    local i; for i in $(seq 1 300); do alive "$pid" || return 0; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
}

cmd_restart_postgres() {
    load_env
    log "restarting postgres"
    pg_ctl -m fast -w -t 60 restart -l "$(dirname "$JOBS_PG_DATA")/postgres.log" >/dev/null
    local i; for i in $(seq 1 100); do pg_ready && return 0; sleep 0.1; done
    die "postgres did not come back"
}

# MARK: RabbitMQ

# The broker runs as root with every RABBITMQ_* path inside .local/rabbitmq, its own node name,
# its own Erlang cookie (HOME) and its own epmd port, so it never meets a system broker.
rmq_env() {
    local dir="$LOCAL/rabbitmq"
    mkdir -p "$dir/home" "$dir/mnesia" "$dir/log"
    [ -f "$dir/enabled_plugins" ] || echo '[].' > "$dir/enabled_plugins"
    cat > "$dir/rabbitmq.conf" <<EOF
listeners.tcp.default = 127.0.0.1:$JOBS_AMQP_PORT
loopback_users.guest = true
consumer_timeout = ${JOBS_TEST_CONSUMER_TIMEOUT_MS:-1800000}
log.console = false
log.file.level = warning
EOF
    export HOME="$dir/home"
    export RABBITMQ_NODENAME="jobs$JOBS_AMQP_PORT@localhost"
    export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
    export RABBITMQ_NODE_PORT="$JOBS_AMQP_PORT"
    export RABBITMQ_DIST_PORT="$JOBS_AMQP_DIST_PORT"
    export ERL_EPMD_PORT="$JOBS_AMQP_EPMD_PORT"
    export ERL_EPMD_ADDRESS=127.0.0.1
    export RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf"
    export RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins"
    export RABBITMQ_MNESIA_BASE="$dir/mnesia"
    export RABBITMQ_LOG_BASE="$dir/log"
    export RABBITMQ_PID_FILE="$dir/pid"
    export RABBITMQ_ALLOW_INPUT=
}

rmqctl() { "$RMQ_BIN/rabbitmqctl" -q -n "$RABBITMQ_NODENAME" "$@" </dev/null; }

rmq_ready() { python3 - "$JOBS_AMQP_PORT" <<'EOF' 2>/dev/null
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2)
s.sendall(b"AMQP\x00\x00\x09\x01")
data = s.recv(7)
sys.exit(0 if len(data) == 7 and data[0] == 1 else 1)   # a connection.start method frame
EOF
}

cmd_start_rabbitmq() {
    ensure_ports; rmq_env
    if alive "$(rmq_pid)" && rmq_ready; then log "rabbitmq already up on 127.0.0.1:$JOBS_AMQP_PORT"; return 0; fi
    log "starting rabbitmq on 127.0.0.1:$JOBS_AMQP_PORT"
    # setsid: its own process group, so that Ctrl-C in a foreground `make run` reaches only us.
    setsid "$RMQ_BIN/rabbitmq-server" > "$LOCAL/rabbitmq/log/console.log" 2>&1 < /dev/null &
    local i; for i in $(seq 1 600); do
        rmq_ready && { log "rabbitmq up"; return 0; }
        sleep 0.2
    done
    die "rabbitmq did not start; see $LOCAL/rabbitmq/log/"
}

cmd_stop_rabbitmq() {
    load_env
    local pid; pid="$(rmq_pid)"
    alive "$pid" || return 0
    log "stopping rabbitmq (pid $pid)"
    # `rabbitmqctl shutdown` stops the node in a few seconds and waits for it; the broker can
    # sit on SIGTERM for 30 s. The PID is the fallback either way.
    rmq_env
    timeout 30 "$RMQ_BIN/rabbitmqctl" -q -n "$RABBITMQ_NODENAME" shutdown </dev/null >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
    local i; for i in $(seq 1 300); do alive "$pid" || break; sleep 0.1; done
    alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
    # The node's own epmd daemon (on our private port) goes with it.
    ERL_EPMD_PORT="$JOBS_AMQP_EPMD_PORT" "$(ls /usr/lib/erlang/erts-*/bin/epmd | head -1)" -kill >/dev/null 2>&1 || true
    rm -f "$LOCAL/rabbitmq/pid"
}

# MARK: commands

cmd_status() {
    load_env
    local ok=0
    if [ -n "${JOBS_PG_PORT:-}" ] && alive "$(pg_pid)" && pg_ready; then echo "postgres: up on 127.0.0.1:$JOBS_PG_PORT"; else echo "postgres: down"; ok=1; fi
    if [ -n "${JOBS_AMQP_PORT:-}" ] && alive "$(rmq_pid)" && rmq_ready; then echo "rabbitmq: up on 127.0.0.1:$JOBS_AMQP_PORT"; else echo "rabbitmq: down"; ok=1; fi
    return $ok
}

case "${1:-}" in
    deps) cmd_deps ;;
    start) cmd_deps; cmd_start_postgres; cmd_start_rabbitmq ;;
    stop) cmd_stop_rabbitmq; cmd_stop_postgres ;;
    status) cmd_status ;;
    env) cat "$ENV_FILE" ;;
    start-postgres) cmd_start_postgres ;;
    stop-postgres) cmd_stop_postgres ;;
    restart-postgres) cmd_restart_postgres ;;
    start-rabbitmq) cmd_start_rabbitmq ;;
    stop-rabbitmq) cmd_stop_rabbitmq ;;
    rabbitmqctl) shift; load_env; rmq_env; rmqctl "$@" ;;
    psql) shift; load_env; PGPASSWORD="$JOBS_PG_PASSWORD" exec psql -h 127.0.0.1 -p "$JOBS_PG_PORT" -U jobs -d jobserver "$@" ;;
    *) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
