#!/usr/bin/env bash
# The whole test suite (README: `make test`): installs missing Debian packages, starts a private
# PostgreSQL and RabbitMQ on loopback (or reuses the ones `make run` started), builds, runs every
# test against them, then stops whatever it started. Exit status: non-zero on any failure.
#
# Tests that restart a private server take it alone through the fixtures' readers-writer gate
# (Tests/TestSupport), so the suite runs in parallel in one process. Then: the HTTP parser's
# fuzz target, schemathesis over the API, and a short chaos run (which restarts the servers, so
# it runs last, alone).
set -euo pipefail
. "$(dirname "$0")/common.sh"
cd "$ROOT"

cleanup() {
    status=$?
    stop_services_started_here
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM
bring_up_services

started=$(date +%s)
log "building (debug, with tests)"
swift build --build-tests
built=$(date +%s)
log "build took $((built - started)) s"

log "tests"
test_log="$ROOT/.local/swift-test.log"
mkdir -p "$ROOT/.local"
if ! swift test --skip-build 2>&1 | tee "$test_log"; then
    # The run prints hundreds of lines; CI shows only the tail. Repeat what failed there.
    log "failed tests (whole output: $test_log):"
    grep -E "✘|recorded an issue|error:" "$test_log" | head -60 >&2 || true
    exit 1
fi
log "tests took $(( $(date +%s) - built )) s"

log "fuzzing the HTTP parser for ${FUZZ_SECONDS:-60} s"
"$ROOT/scripts/fuzz-http.sh" "${FUZZ_SECONDS:-60}"

log "fuzzing the API with schemathesis against docs/openapi.yaml"
"$ROOT/scripts/fuzz-api.sh" --bin "$(swift build --show-bin-path)/jobserver"
log "short chaos run: kill -9 a worker, restart RabbitMQ and PostgreSQL while 2,000 tasks flow"
"$ROOT/scripts/chaos.sh" --short

log "all passed in $(( $(date +%s) - started )) s"
