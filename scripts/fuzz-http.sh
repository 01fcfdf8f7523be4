#!/usr/bin/env bash
# Fuzzes the HTTP/1.1 request parser with libFuzzer + AddressSanitizer for SECONDS (default 60).
# Usage: scripts/fuzz-http.sh [SECONDS]
# Exits non-zero on a crash, a sanitizer report or a failed invariant; the crashing input is
# left in .build-fuzz/ (artifact prefix). Needs only the Swift toolchain (clang's libFuzzer and
# ASan runtimes ship with it).
set -euo pipefail
seconds="${1:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/.build-fuzz"
mkdir -p "$out/corpus"
sources=(
    ByteClass HTTPHeaders HTTPLimits HTTPMethod HTTPParseError HTTPStatus HTTPVersion RequestHead
    RequestParser RequestParser+Chunked RequestParser+Fields RequestParser+Head
)
files=("$root/Fuzz/HTTP1/FuzzRequestParser.swift")
for name in "${sources[@]}"; do files+=("$root/Sources/HTTP1/$name.swift"); done
echo "fuzz-http: building parser fuzzer (-sanitize=fuzzer,address)"
if ! swiftc -swift-version 6 -parse-as-library -module-name HTTP1Fuzz -O -g \
    -sanitize=fuzzer,address "${files[@]}" -o "$out/fuzz-http-parser" >"$out/build.log" 2>&1; then
    cat "$out/build.log" >&2
    echo "fuzz-http: build failed" >&2
    exit 1
fi
echo "fuzz-http: running for ${seconds}s"
cd "$out"
"$out/fuzz-http-parser" -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=4096 \
    -timeout=10 -print_final_stats=1 -artifact_prefix="$out/" \
    "$out/corpus" "$root/Fuzz/HTTP1/corpus" 2>&1 | tail -n 25
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
    echo "fuzz-http: FAILED (exit $status); crashing input in $out/" >&2
    exit "$status"
fi
echo "fuzz-http: no crash in ${seconds}s"
