"""The seeds' create endpoint: timestamp-MD5 auth, insert a row, send a Celery task."""
import hashlib
import hmac
import json
import os
import time
import uuid

import psycopg2
from flask import Flask, Response, request

from celery_app import run_task

app = Flask(__name__)
USER = os.environ["PEER_USER"]
SECRET = os.environ["PEER_SECRET"]
_connection = None


def connection():
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg2.connect(os.environ["PEER_DATABASE_URL"])
    return _connection


def error(code, message):
    return Response(json.dumps({"result": "exception", "code": code, "message": message}), mimetype="application/json")


@app.post("/api/create_task")
def create_task():
    stamp = request.args.get("_", "")
    auth = request.authorization
    if not stamp.isdigit() or auth is None or abs(time.time() - int(stamp)) > 60:
        return error(2100, "authentication failed")
    digest = hashlib.md5(f"{SECRET}@{stamp}".encode()).hexdigest()
    if auth.username != USER or not hmac.compare_digest(auth.password or "", digest):
        return error(2100, "authentication failed")
    data = request.get_json()["data"]
    task_id = f"ts_{data['service']}_{uuid.uuid4().hex}"
    conn = connection()
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO tasks (task_id, service, status, condition, batch) VALUES (%s, %s, 'waiting', %s, %s)",
            (task_id, data["service"], json.dumps(data.get("condition", {})), data.get("batch", "")),
        )
    conn.commit()
    run_task.delay(task_id)
    return Response('{"result":"ok","code":0,"task_id":"%s"}' % task_id, mimetype="application/json")
