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
