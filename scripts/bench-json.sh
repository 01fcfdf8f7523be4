#!/usr/bin/env bash
# JSON parser micro-benchmark (release build of Benchmarks/JSON, which uses Sources/JobCore):
# nanoseconds per parse of a typical create body and of one with escapes.
#   scripts/bench-json.sh
set -euo pipefail
. "$(dirname "$0")/common.sh"
cd "$ROOT"
build=(swift build -c release --package-path Benchmarks/JSON --scratch-path Benchmarks/.build-json)
"${build[@]}" >/dev/null
"$("${build[@]}" --show-bin-path)/JSONBench"
