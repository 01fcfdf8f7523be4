"""Celery side of the peers: the seeds' task (marks its row running, then finished with a small
result) and a no-op task for raw Celery throughput (counts itself in a file, no database)."""
import os

import psycopg2
from celery import Celery

app = Celery("peer", broker=os.environ["PEER_AMQP_URL"])
app.conf.update(
    task_ignore_result=True,
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
    task_default_queue="peer_stack",
)

_connection = None
_counter = None


def connection():
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg2.connect(os.environ["PEER_DATABASE_URL"])
    return _connection


@app.task(name="peer.run_task")
def run_task(task_id):
    conn = connection()
    with conn.cursor() as cur:
        cur.execute("UPDATE tasks SET status = 'running', started_at = now() WHERE task_id = %s", (task_id,))
    conn.commit()
    with conn.cursor() as cur:
        cur.execute(
            "UPDATE tasks SET status = 'finished', result = %s, ended_at = now() WHERE task_id = %s",
            ('{"ok": true}', task_id),
        )
    conn.commit()


@app.task(name="peer.noop")
def noop(n):
    global _counter
    if _counter is None:
        _counter = os.open(os.environ["PEER_COUNTER_FILE"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    os.write(_counter, b"x")
