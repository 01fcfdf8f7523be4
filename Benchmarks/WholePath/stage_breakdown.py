"""Splits create -> running into its steps (scripts/bench-latency.sh).

Arguments: TASKS.tsv (task id, created_at, started_at in microseconds since the epoch),
SERVER.trace, WORKER.trace (lines "<stage> <task id> <microseconds>", Sources/PosixIO/StageTrace.swift).
Prints p50 / p90 / p99 in ms of each step, for the tasks that have every mark.
"""
import sys

# The path of one task, in order: its marks (file prefix + stage, or a database timestamp) and
# the step that ends at each.
PATH = [
    ("s.statement.begin", None),
    ("created_at", "create: sent -> PostgreSQL starts it (created_at)"),
    ("s.statement.end", "create: runs, commits, result read"),
    ("s.handoff.publish", "handoff: result -> publish begins"),
    ("s.amqp.sent", "handoff: publish -> message written"),
    ("w.amqp.delivered", "RabbitMQ: written -> read by the worker"),
    ("w.worker.handle", "worker: read -> handled"),
    ("w.statement.begin", "claim: handled -> sent (waits for a batch in flight)"),
    ("started_at", "claim: sent -> PostgreSQL starts it (started_at)"),
]


def percentile(values, p):
    return values[min(len(values) - 1, int(p * len(values)))]


def main(tasks_path, server_path, worker_path):
    points = {}
    for line in open(tasks_path):
        task_id, created, started = line.split("\t")
        points[task_id] = {"created_at": int(created), "started_at": int(started)}
    for path, prefix in ((server_path, "s."), (worker_path, "w.")):
        for line in open(path):
            parts = line.split()
            if len(parts) == 3 and parts[1] in points:
                points[parts[1]].setdefault(prefix + parts[0], int(parts[2]))  # first mark wins
    keys = [key for key, _ in PATH]
    complete = [p for p in points.values() if all(k in p for k in keys)]
    print(f"{len(complete)} of {len(points)} tasks have every mark")
    if not complete:
        return
    print(f"{'step (ms)':56s} {'p50':>7s} {'p90':>7s} {'p99':>7s}")
    rows = [(PATH[i][1], keys[i - 1], keys[i]) for i in range(1, len(PATH))]
    rows.append(("create -> running (started_at - created_at)", "created_at", "started_at"))
    for label, start, end in rows:
        values = sorted((p[end] - p[start]) / 1000 for p in complete)
        print(f"{label:56s} {percentile(values, .5):7.2f} {percentile(values, .9):7.2f} {percentile(values, .99):7.2f}")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
