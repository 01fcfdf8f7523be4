#!/usr/bin/env bash
# RabbitMQ's CPU per message for the queue shapes JobServer could use (priority or not,
# persistent or not, acks one by one or 64 at a time): Benchmarks/Broker/broker_cost.py on the
# private broker. Usage: scripts/bench-broker-cost.sh [COUNT=30000]. Needs a quiet machine.
set -euo pipefail
. "$(dirname "$0")/common.sh"
cd "$ROOT"
COUNT=${1:-30000}
bring_up_services
trap stop_services_started_here EXIT
set -a; . "$ROOT/.local/services.env"; set +a
VENV="$ROOT/.local/bench-relay-venv"  # the same environment as scripts/bench-relay.sh
if [ ! -x "$VENV/bin/python" ]; then
    log "installing pika into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q 'psycopg[binary]==3.2.3' 'pika==1.3.2'
fi
"$VENV/bin/python" Benchmarks/Broker/broker_cost.py "$ROOT/.local/rabbitmq/pid" "$COUNT"
