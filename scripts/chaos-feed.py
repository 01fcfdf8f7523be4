#!/usr/bin/env python3
"""Feeds scripts/chaos.sh: creates TOTAL echo tasks at RATE per second through the HTTP API
(signed; bulk creates of RATE/10, ten a second), each with an idempotency key, retrying a
request that failed (server, database or broker down) until it is answered, so a retry never
makes a second task. Writes the acknowledged task ids, one a line, to OUT.
Usage: chaos-feed.py PORT USER SECRET TOTAL RATE BATCH OUT"""
import hashlib
import http.client
import json
import sys
import time

port, user, secret = int(sys.argv[1]), sys.argv[2], sys.argv[3]
total, rate, batch, out = int(sys.argv[4]), float(sys.argv[5]), sys.argv[6], sys.argv[7]
bulk = max(1, int(rate / 10))
ids, retries, sent = [], 0, 0
connection = None
start = time.monotonic()
while sent < total:
    delay = start + sent / rate - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    count = min(bulk, total - sent)
    body = json.dumps({"data": [
        {"service": "echo", "condition": {"n": n}, "batch": batch, "idempotency_key": f"{batch}-{n}"}
        for n in range(sent, sent + count)]})
    while True:
        try:
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            stamp = str(int(time.time()))
            digest = hashlib.md5(f"{secret}@{stamp}".encode()).hexdigest()
            import base64
            auth = "Basic " + base64.b64encode(f"{user}:{digest}".encode()).decode()
            connection.request("POST", f"/api/create_task?_={stamp}", body,
                               {"Authorization": auth, "Content-Type": "application/json"})
            response = connection.getresponse()
            reply = json.loads(response.read())
            if response.status == 200 and reply.get("result") == "ok":
                ids.extend(reply["task_ids"])
                break
            error = f"HTTP {response.status} {reply.get('code')} {reply.get('message')}"
        except Exception as failure:  # server restarting, connection reset: retry
            error = repr(failure)
            connection = None
        retries += 1
        if retries % 10 == 1:
            print(f"chaos-feed: create failed ({error}); retrying", file=sys.stderr, flush=True)
        time.sleep(0.2)
    sent += count
with open(out, "w") as file:
    file.write("\n".join(ids) + "\n")
print(f"chaos-feed: {len(ids)} tasks acknowledged in {time.monotonic() - start:.1f} s, {retries} requests retried",
      file=sys.stderr)
