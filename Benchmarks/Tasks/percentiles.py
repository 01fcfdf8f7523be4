#!/usr/bin/env python3
"""p50 and p99 (ms) of the latencies (microseconds, 3rd field) in pgbench --log files.

usage: percentiles.py LOGFILE... -> prints "p50ms p99ms count"
"""
import sys

values = []
for name in sys.argv[1:]:
    with open(name) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3:
                values.append(int(parts[2]))
values.sort()
if not values:
    print("nan nan 0")
    sys.exit(0)
pick = lambda q: values[min(len(values) - 1, int(q * len(values)))] / 1000.0
print(f"{pick(0.50):.2f}ms {pick(0.99):.2f}ms {len(values)}")
