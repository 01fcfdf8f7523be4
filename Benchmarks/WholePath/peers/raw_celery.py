"""Raw Celery throughput: send N no-op tasks (no HTTP, no database) and wait until the worker
ran them all (each appends one byte to PEER_COUNTER_FILE). Prints a RESULT line."""
import os
import sys
import time

from celery_app import app, noop

count = int(sys.argv[1])
counter = os.environ["PEER_COUNTER_FILE"]
open(counter, "wb").close()
start = time.monotonic()
with app.producer_or_acquire() as producer:
    for n in range(count):
        noop.apply_async((n,), queue="peer_raw", producer=producer)
sent = time.monotonic() - start
deadline = start + 300
while os.path.getsize(counter) < count and time.monotonic() < deadline:
    time.sleep(0.01)
total = time.monotonic() - start
done = os.path.getsize(counter)
print(f"raw celery: {done} of {count} no-op tasks; send {count / sent:.0f}/s; end to end {done / total:.0f} tasks/s ({total:.2f} s)")
print(f"RESULT celery_raw tasks={done} send_rps={count / sent:.0f} e2e_tps={done / total:.0f}")
sys.exit(0 if done == count else 1)
