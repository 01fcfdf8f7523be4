#!/usr/bin/env bash
# AMQP publish-with-confirm benchmark: our AMQP module vs a plain C loop over librabbitmq, same
# run, same broker (the private one of scripts/services.sh), same message size, persistence
# (delivery mode 2, durable queue) and confirm window. Rounds alternate C and Swift.
# Usage: scripts/bench-amqp.sh [COUNT (20000)] [SIZE bytes (512)] [WINDOW (100)] [ROUNDS (3)]
set -euo pipefail
count="${1:-20000}"; size="${2:-512}"; window="${3:-100}"; rounds="${4:-3}"
root="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$root/Benchmarks/AMQP/.build"
env_file="$root/.local/services.env"
[ -f "$env_file" ] || { echo "bench-amqp: $env_file missing; run scripts/services.sh start" >&2; exit 1; }
port="$(sed -n 's/^JOBS_AMQP_PORT=//p' "$env_file")"
[ -n "$port" ] || { echo "bench-amqp: no JOBS_AMQP_PORT in $env_file" >&2; exit 1; }
url="amqp://guest:guest@127.0.0.1:$port/"

echo "bench-amqp: building (cc -O2 -lrabbitmq; swift build -c release Benchmarks/AMQP)"
mkdir -p "$scratch"
cc -O2 -o "$scratch/bench-amqp-c" "$root/Benchmarks/AMQP/c/bench-amqp.c" -lrabbitmq
swift build -c release --package-path "$root/Benchmarks/AMQP" --scratch-path "$scratch" >/dev/null
bin="$(swift build -c release --package-path "$root/Benchmarks/AMQP" --scratch-path "$scratch" --show-bin-path)"

queue="bench.amqp.$$"
rate() { awk '/^msgs_per_sec/ {print $2}'; }
c_sum=0; s_sum=0
printf '%-6s %12s %12s %7s\n' round "C msgs/s" "Swift msgs/s" ratio
for r in $(seq "$rounds"); do
    c="$("$scratch/bench-amqp-c" 127.0.0.1 "$port" "$queue" "$count" "$size" "$window" | rate)"
    s="$("$bin/AMQPBench" "$url" "$queue" "$count" "$size" "$window" | rate)"
    printf '%-6s %12s %12s %7s\n' "$r" "$c" "$s" "$(awk -v s="$s" -v c="$c" 'BEGIN {printf "%.3f", s / c}')"
    c_sum=$((c_sum + c)); s_sum=$((s_sum + s))
done
scripts_ctl="$root/scripts/services.sh"
"$scripts_ctl" rabbitmqctl delete_queue "$queue" >/dev/null 2>&1 || true
echo "messages=$count size=${size}B window=$window persistent confirms, $rounds rounds"
awk -v s="$s_sum" -v c="$c_sum" -v n="$rounds" \
    'BEGIN {printf "mean: C %.0f msgs/s, Swift %.0f msgs/s, ratio %.3f (bar >= 0.9)\n", c / n, s / n, s / c}'
