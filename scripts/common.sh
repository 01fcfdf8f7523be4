# Shared by the scripts: the repository root, the Swift toolchain on PATH, logging.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { printf '[%s] %s\n' "$(basename "$0" .sh)" "$*" >&2; }
die() { printf '[%s] error: %s\n' "$(basename "$0" .sh)" "$*" >&2; exit 1; }

# Swift: on PATH, or the toolchain at /opt/swift (where this project's machines have it).
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    export PATH="/opt/swift/usr/bin:$PATH"
fi
require_swift() {
    command -v swift >/dev/null 2>&1 || die "no Swift toolchain: install Swift 6.2 or later (swift.org) and put it on PATH"
}

# Exports the URLs of the private services written by scripts/services.sh.
load_services_env() {
    set -a; . "$ROOT/.local/services.env"; set +a
}

# Installs missing Debian packages, checks for Swift, and starts the private PostgreSQL and
# RabbitMQ (reusing them if already up). Sets SERVICES_STARTED_HERE=1 when it started them, so
# the caller's cleanup stops only what it started (stop_services_started_here).
bring_up_services() {
    "$ROOT/scripts/services.sh" deps
    require_swift
    SERVICES_STARTED_HERE=0
    "$ROOT/scripts/services.sh" status >/dev/null 2>&1 || SERVICES_STARTED_HERE=1
    "$ROOT/scripts/services.sh" start
    load_services_env
}

stop_services_started_here() {
    if [ "${SERVICES_STARTED_HERE:-0}" = 1 ]; then "$ROOT/scripts/services.sh" stop || true; fi
}

# Builds the release products (jobserver and jobworker) into one scratch folder that every
# benchmark script shares, and sets RELEASE_BIN to their directory.
build_release_products() {
    log "building jobserver and jobworker (release, .build-release)"
    swift build -c release --scratch-path "$ROOT/.build-release" --product jobserver >/dev/null
    swift build -c release --scratch-path "$ROOT/.build-release" --product jobworker >/dev/null
    RELEASE_BIN="$(swift build -c release --scratch-path "$ROOT/.build-release" --show-bin-path)"
}
