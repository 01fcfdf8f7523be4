#!/usr/bin/env python3
"""Writes a Lua table of Authorization headers, one per UTC second, for wrk scripts.

The API's scheme (docs/api.md, "Authentication"): `_` = UTC seconds, and
`Authorization: Basic base64(user ":" md5hex(secret "@" _))`. wrk's Lua has no MD5, so the
header of every second of the run is computed here in advance and the script picks the one of
the current second (os.time()) for each request.

usage: auth_table.py USER SECRET SECONDS > auth.lua
"""
import base64, hashlib, sys, time

user, secret, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3])
start = int(time.time()) - 5
print("return {")
for t in range(start, start + seconds + 5):
    digest = hashlib.md5(f"{secret}@{t}".encode()).hexdigest()
    header = "Basic " + base64.b64encode(f"{user}:{digest}".encode()).decode()
    print(f'  [{t}] = "{header}",')
print("}")
