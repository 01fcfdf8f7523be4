#!/usr/bin/env bash
# Fuzzes the HTTP API against docs/openapi.yaml with schemathesis (pinned below): starts (or
# reuses) the private PostgreSQL and RabbitMQ, migrates a fresh database, creates an admin user,
# starts the built `jobserver serve` on a free loopback port in its own RabbitMQ vhost, runs
# schemathesis with the timestamp-MD5 signature computed per request in a hook, then stops the
# server by PID and drops the database and vhost.
#
#   scripts/fuzz-api.sh [--bin PATH] [--examples N] [--seed N]
#
#   --bin PATH     the jobserver binary (default: build it with `swift build --product jobserver`)
#   --examples N   examples per operation (default 60, ~1-3 minutes; env FUZZ_API_EXAMPLES)
#   --seed N       Hypothesis seed, to replay a failure (env FUZZ_API_SEED; default random)
#
# Fails (exit 1) on any 5xx, any status code or header the document does not list for the
# operation, and any response body that does not match its schema. Needs python3-venv
# (installed with apt-get when run as root). Schemathesis goes into .local/fuzz-venv.
set -euo pipefail
. "$(dirname "$0")/common.sh"
cd "$ROOT"

SCHEMATHESIS_VERSION=3.39.16
HYPOTHESIS_VERSION=6.122.3  # newer Hypothesis breaks schemathesis 3.39 ("many" has no "more")
VENV="$ROOT/.local/fuzz-venv"
bin="${JOBSERVER_BIN:-}"
examples="${FUZZ_API_EXAMPLES:-60}"
seed="${FUZZ_API_SEED:-}"
while [ $# -gt 0 ]; do
    case "$1" in
        --bin) bin=$2; shift 2 ;;
        --examples) examples=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        *) die "unknown argument $1 (see the header of $0)" ;;
    esac
done

# MARK: schemathesis in a venv
if ! { "$VENV/bin/st" --version 2>/dev/null | grep -Fx "st, version $SCHEMATHESIS_VERSION" >/dev/null && "$VENV/bin/pip" show hypothesis 2>/dev/null | grep -Fx "Version: $HYPOTHESIS_VERSION" >/dev/null; }; then
    # (no grep -q: under pipefail it can make the writer die of SIGPIPE and fail the check)
    if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
        [ "$(id -u)" = 0 ] || die "python3-venv is missing: apt-get install python3-venv (as root)"
        log "installing python3-venv"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv >/dev/null
    fi
    log "installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" "hypothesis==$HYPOTHESIS_VERSION"
fi

# MARK: services, binary
"$ROOT/scripts/services.sh" status >/dev/null 2>&1 || "$ROOT/scripts/services.sh" start
load_services_env
if [ -z "$bin" ]; then
    require_swift
    log "building jobserver"
    swift build --product jobserver >/dev/null
    bin="$(swift build --show-bin-path)/jobserver"
fi
[ -x "$bin" ] || die "no jobserver binary at $bin"

work=$(mktemp -d)
suffix=$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')
db="fuzz_$suffix" vhost="fuzz-$suffix"
server_pid=""
psql_admin() { psql "$JOBS_TEST_PG_URL" -v ON_ERROR_STOP=1 -qAtc "$1" >/dev/null; }
cleanup() {
    local status=$?
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    psql_admin "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
    "$ROOT/scripts/services.sh" rabbitmqctl delete_vhost "$vhost" >/dev/null 2>&1 || true
    [ $status -ne 0 ] && [ -f "$work/server.log" ] && { log "server log (last 30 lines):"; tail -n 30 "$work/server.log" >&2; }
    rm -rf "$work"
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# MARK: database, vhost, user, server
psql_admin "CREATE DATABASE $db"
"$ROOT/scripts/services.sh" rabbitmqctl add_vhost "$vhost" >/dev/null
"$ROOT/scripts/services.sh" rabbitmqctl set_permissions -p "$vhost" guest '.*' '.*' '.*' >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export JOBS_CONFIG="$ROOT/conf/jobserver.yaml" JOBS_MIGRATIONS_DIR="$ROOT/migrations"
export JOBS_DATABASE_URL="${JOBS_TEST_PG_URL%/*}/$db" JOBS_AMQP_URL="${JOBS_AMQP_URL%/*}/$vhost"
export JOBS_AUTH_KEY_FILE="$work/secret.key" JOBS_SERVER_PORT="$port" JOBS_SERVER_HOST=127.0.0.1 JOBS_SERVER_LOG_LEVEL=warning
"$bin" keygen "$JOBS_AUTH_KEY_FILE" >/dev/null
"$bin" migrate >/dev/null 2>&1 || die "jobserver migrate failed"
secret=$("$bin" user add fuzzer --role admin | tail -n1)
"$bin" serve >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || die "jobserver serve exited at start-up"
    sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/health" >/dev/null || die "jobserver does not answer on port $port"

# MARK: schemathesis
cat >"$work/fuzz_api_hooks.py" <<'PY'
"""Signs every /api/ request as SPEC section 3 says: `_` = now, Basic user:md5hex(secret@_)."""
import base64, hashlib, os, time
import schemathesis

USER, SECRET = os.environ["FUZZ_API_USER"], os.environ["FUZZ_API_SECRET"]

@schemathesis.hook
def before_call(context, case):
    """Runs right before each request is sent, so `_` is always fresh."""
    if not case.path.startswith("/api/"):
        return
    ts = str(int(time.time()))
    digest = hashlib.md5(f"{SECRET}@{ts}".encode()).hexdigest()
    case.query = {**(case.query or {}), "_": ts}
    token = base64.b64encode(f"{USER}:{digest}".encode()).decode()
    case.headers = {**(case.headers or {}), "Authorization": f"Basic {token}"}
PY
log "fuzzing http://127.0.0.1:$port with $examples examples per operation${seed:+ (seed $seed)}"
export FUZZ_API_USER=fuzzer FUZZ_API_SECRET="$secret" PYTHONPATH="$work" SCHEMATHESIS_HOOKS=fuzz_api_hooks
"$VENV/bin/st" run "$ROOT/docs/openapi.yaml" \
    --base-url "http://127.0.0.1:$port" \
    --experimental=openapi-3.1 \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
    --generation-with-security-parameters false \
    --hypothesis-max-examples "$examples" \
    --hypothesis-phases explicit,generate \
    --hypothesis-suppress-health-check all \
    --request-timeout 20000 \
    --workers 2 \
    --no-color --cassette-path "${FUZZ_API_CASSETTE:-/dev/null}" \
    ${seed:+--hypothesis-seed "$seed"}
log "no failures"
