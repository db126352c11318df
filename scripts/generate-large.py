#!/usr/bin/env python3
"""Writes a large, valid rule set for timing `ringplan check`:
N rules (default 10,000) and a list file of M numbers (default 1,000,000).

    scripts/generate-large.py /tmp/large --rules 10000 --numbers 1000000
    swift build -c release && time .build/release/ringplan check /tmp/large
"""
import argparse
import os
import random

parser = argparse.ArgumentParser()
parser.add_argument("directory")
parser.add_argument("--rules", type=int, default=10_000)
parser.add_argument("--numbers", type=int, default=1_000_000)
args = parser.parse_args()
random.seed(7)
os.makedirs(args.directory, exist_ok=True)

with open(os.path.join(args.directory, "crm.txt"), "w") as out:
    out.write("# key accounts exported from the CRM\n")
    for index in range(args.numbers):
        out.write(f"+91{9000000000 + index * 7 % 1000000000}\n")

days = ["mon-fri", "sat", "sun", "daily", "weekdays", "fri-mon"]
lines = [
    "ringplan: 1",
    "timezone: Asia/Kolkata",
    "country: IN",
    "agents:",
]
agents = 200
for index in range(agents):
    lines.append(f"  agent{index}: \"+9198765{index:05d}\"")
lines.append("groups:")
for index in range(50):
    members = ", ".join(f"agent{(index * 4 + k) % agents}" for k in range(4))
    lines.append(f"  team{index}: [{members}]")
lines += ["lists:", "  crm: { file: crm.txt }", "  partners:"]
for index in range(100):
    lines.append(f"    - \"+9180{index:08d}\"")
lines += ["calendars:", "  holidays: { dates: [2026-01-26, 2026-08-15, 2026-10-02] }",
          "  hours:", "    weekly: { mon-fri: \"09:00-18:00\", sat: \"10:00-14:00\" }", "    except: holidays"]
lines += ["skills:", "  \"1\": sales", "  \"2\": support", "  \"3\": billing"]
lines += ["defaults:", "  caller_id: \"+918047115000\"", "  ringing: 30s", "  conversation: 30m", "rules:"]
for index in range(args.rules - 1):
    lines.append(f"  - name: rule-{index}")
    lines.append("    when:")
    kind = index % 4
    if kind == 0:
        lines.append(f"      caller: \"+9199{index:06d}*\"")
    elif kind == 1:
        lines.append(f"      caller: [crm, \"+9190{index:08d}\"]")
    elif kind == 2:
        lines.append("      caller: partners")
    lines.append(f"      exophone: \"+9180471{index % 100000:05d}\"")
    start = 6 + index % 12
    lines.append(f"      time: \"{days[index % len(days)]} {start:02d}:00-{(start + 8) % 24:02d}:30\"")
    if index % 3 == 0:
        lines.append(f"      skill: {['sales', 'support', 'billing'][index % 3]}")
    if index % 2:
        lines.append(f"    dial: {{ to: team{index % 50}, strategy: parallel, max_parallel: 2 }}")
    else:
        lines.append(f"    dial: [agent{index % agents}, agent{(index + 1) % agents}, \"+9180471{index % 100000:05d}\"]")
    lines.append(f"    ringing: {10 + index % 50}s")
lines += ["  - name: everyone-else", "    dial: team0", ""]
with open(os.path.join(args.directory, "large.yaml"), "w") as out:
    out.write("\n".join(lines))
