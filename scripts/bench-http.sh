#!/usr/bin/env bash
# HTTP core benchmark: our HTTP1 server vs a Hummingbird 2 hello-world, same run, same machine.
# Both answer GET /health with {"status":"ok"}. Release builds of Benchmarks/HTTP.
# Usage: scripts/bench-http.sh [DURATION (default 10s)] [OUR_EVENT_LOOP_THREADS (default 1)]
# Needs: wrk (Debian package), python3.
set -euo pipefail
duration="${1:-10s}"
threads="${2:-1}"
root="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$root/Benchmarks/.build"
command -v wrk >/dev/null || { echo "bench-http: wrk is missing (apt-get install wrk)" >&2; exit 1; }

echo "bench-http: building release (Benchmarks/HTTP)"
swift build -c release --package-path "$root/Benchmarks/HTTP" --scratch-path "$scratch" >/dev/null
bin="$(swift build -c release --package-path "$root/Benchmarks/HTTP" --scratch-path "$scratch" --show-bin-path)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ours_port="$(free_port)"
hb_port="$(free_port)"
"$bin/HTTPBenchOurs" "$ours_port" "$threads" >/dev/null 2>&1 &
ours_pid=$!
"$bin/HTTPBenchHummingbird" "$hb_port" >/dev/null 2>&1 &
hb_pid=$!
trap 'kill "$ours_pid" "$hb_pid" 2>/dev/null || true' EXIT
for port in "$ours_port" "$hb_port"; do
    for _ in $(seq 100); do
        python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $port)).close()" 2>/dev/null && break
        sleep 0.1
    done
done

# run NAME PORT WRK_ARGS... -> prints "rps p50 p99"
run() {
    local port="$1"; shift
    local output
    output="$(wrk "$@" --latency "http://127.0.0.1:$port/health")"
    local rps p50 p99
    rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$output")"
    p50="$(awk '$1 == "50%" {print $2}' <<<"$output")"
    p99="$(awk '$1 == "99%" {print $2}' <<<"$output")"
    if grep -q "Non-2xx\|Socket errors" <<<"$output"; then
        echo "bench-http: errors reported by wrk:" >&2
        grep "Non-2xx\|Socket errors" <<<"$output" >&2
    fi
    echo "$rps $p50 $p99"
}

echo "bench-http: warm-up"
wrk -t2 -c64 -d2s "http://127.0.0.1:$ours_port/health" >/dev/null
wrk -t2 -c64 -d2s "http://127.0.0.1:$hb_port/health" >/dev/null

declare -A results
for config in "c64:-t2 -c64" "c1:-t1 -c1"; do
    name="${config%%:*}"
    args="${config#*:}"
    # shellcheck disable=SC2086
    results["ours-$name"]="$(run "$ours_port" $args -d"$duration")"
    # shellcheck disable=SC2086
    results["hb-$name"]="$(run "$hb_port" $args -d"$duration")"
done

read -r ours_idle ours_rss <<<"$(python3 "$root/Benchmarks/HTTP/idle_connections.py" "$ours_port" "$ours_pid" 1000)"
read -r hb_idle hb_rss <<<"$(python3 "$root/Benchmarks/HTTP/idle_connections.py" "$hb_port" "$hb_pid" 1000)"

echo
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(uname -r)"
echo "wrk duration: $duration; our event-loop threads: $threads"
printf '%-8s %-12s %14s %10s %10s\n' config server requests/s p50 p99
for name in c64 c1; do
    read -r o_rps o_p50 o_p99 <<<"${results[ours-$name]}"
    read -r h_rps h_p50 h_p99 <<<"${results[hb-$name]}"
    printf '%-8s %-12s %14s %10s %10s\n' "$name" ours "$o_rps" "$o_p50" "$o_p99"
    printf '%-8s %-12s %14s %10s %10s\n' "$name" hummingbird "$h_rps" "$h_p50" "$h_p99"
    printf '%-8s ratio ours/hummingbird: %s\n' "$name" "$(python3 -c "print(f'{$o_rps/$h_rps:.2f}')")"
done
echo "RSS with 1000 idle keep-alive connections: ours $((ours_rss / 1024)) MiB ($ours_idle answered), hummingbird $((hb_rss / 1024)) MiB ($hb_idle answered)"
