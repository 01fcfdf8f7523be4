"""Commit -> delivered latency of the outbox relay inside `jobserver serve`, and its drain rate.

Inserts tasks the way TaskStore.create does (task row, creation event, outbox entry in one
transaction) at a steady rate, notes when each COMMIT returned, and consumes the service queue
with a plain AMQP client, noting when each message arrives. Latency = arrival - commit, which
bounds commit -> published from above (it includes the broker's delivery to the consumer).
Then it commits a backlog in one transaction and times how fast the relay drains it.

Usage: relay_latency.py DATABASE_URL AMQP_URL QUEUE --rate 1000 --seconds 20 --backlog 20000
"""
import argparse, json, threading, time, uuid

import pika
import psycopg

INSERT = """
WITH t AS (
    INSERT INTO tasks (task_id, service, status, condition, priority, batch, max_attempts, timeout_seconds, owner)
    SELECT unnest(%s::text[]), 'echo', 'waiting', '{}'::jsonb, 0, 'relay-bench', 1, 60, 'bench'
    RETURNING task_id, priority, run_at
), e AS (
    INSERT INTO task_events (task_id, from_status, to_status, actor, attempt) SELECT task_id, NULL, 'waiting', 'bench', 0 FROM t
)
INSERT INTO task_outbox (task_id, priority, available_at) SELECT task_id, priority, run_at FROM t
"""


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url"); parser.add_argument("amqp_url"); parser.add_argument("queue")
    parser.add_argument("--rate", type=float, default=1000); parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--backlog", type=int, default=20000)
    args = parser.parse_args()

    arrived, lock = {}, threading.Lock()
    done = threading.Event()

    def consume():
        connection = pika.BlockingConnection(pika.URLParameters(args.amqp_url))
        channel = connection.channel()
        channel.basic_qos(prefetch_count=1000)
        def on_message(ch, method, properties, body):
            now = time.monotonic()
            with lock:
                arrived.setdefault(properties.message_id, now)
            ch.basic_ack(method.delivery_tag)
        channel.basic_consume(args.queue, on_message)
        while not done.is_set():
            connection.process_data_events(time_limit=0.1)
        connection.close()

    consumer = threading.Thread(target=consume, daemon=True)
    consumer.start()
    time.sleep(1)

    committed = {}
    with psycopg.connect(args.database_url, autocommit=True) as db:
        # Steady rate: one task per commit.
        interval, start = 1.0 / args.rate, time.monotonic()
        n = int(args.rate * args.seconds)
        for i in range(n):
            target = start + i * interval
            delay = target - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            task_id = "ts_echo_" + uuid.uuid4().hex
            db.execute(INSERT, ([task_id],))
            committed[task_id] = time.monotonic()
        achieved = n / (time.monotonic() - start)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with lock:
                if all(t in arrived for t in committed):
                    break
            time.sleep(0.05)
        with lock:
            latencies = [(arrived[t] - c) * 1000 for t, c in committed.items() if t in arrived]
        lost = len(committed) - len(latencies)

        # Backlog: committed in one transaction, drained by the relay in batches.
        ids = ["ts_echo_" + uuid.uuid4().hex for _ in range(args.backlog)]
        t0 = time.monotonic()
        db.execute(INSERT, (ids,))
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with lock:
                if all(t in arrived for t in ids):
                    break
            time.sleep(0.05)
        with lock:
            last = max((arrived[t] for t in ids if t in arrived), default=float("nan"))
            drained = sum(1 for t in ids if t in arrived)
    done.set()
    consumer.join(timeout=5)
    print(json.dumps({
        "steady_rate_target": args.rate, "steady_rate_achieved": round(achieved, 1), "tasks": len(committed),
        "not_delivered": lost,
        "commit_to_delivered_ms": {"p50": round(percentile(latencies, 50), 2), "p95": round(percentile(latencies, 95), 2),
                                   "p99": round(percentile(latencies, 99), 2), "max": round(max(latencies, default=0), 2)},
        "backlog": args.backlog, "backlog_drained": drained,
        "backlog_drain_per_second": round(drained / (last - t0), 1) if drained else 0,
    }, indent=2))


if __name__ == "__main__":
    main()
