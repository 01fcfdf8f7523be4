#!/usr/bin/env python3
"""Opens N keep-alive connections to 127.0.0.1:PORT, sends GET /health on each, reads the
response, then holds them idle and prints the server's RSS (from /proc/PID/status).
Usage: idle_connections.py PORT PID [N]"""
import socket
import sys
import time

port, pid = int(sys.argv[1]), int(sys.argv[2])
count = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
request = b"GET /health HTTP/1.1\r\nHost: bench\r\n\r\n"


def rss_kib():
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


sockets = []
for _ in range(count):
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(10)
    s.sendall(request)
    sockets.append(s)
answered = 0
for s in sockets:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    if data.startswith(b"HTTP/1.1 200"):
        answered += 1
time.sleep(1)
print(f"{answered} {rss_kib()}")
for s in sockets:
    s.close()
