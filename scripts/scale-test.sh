#!/usr/bin/env bash
# Two `ringplan serve` replicas behind nginx, one killed midway through hunting calls.
# Usage: scripts/scale-test.sh [CALLS] [CONCURRENCY]   (default 2000 calls, 32 at a time)
#
# nginx (Debian's) keeps a call on one replica by hashing its CallSid (`hash $arg_CallSid
# consistent`, as deploy/kubernetes/ringplan.yaml's ingress does); the replicas share
# agent state through PostgreSQL when one answers at RINGPLAN_POSTGRES (default: the CI
# database, postgres://ringplan:ringplan@127.0.0.1:5432/ringplan_test). Each call hunts
# eight agents in order: a first fetch, then a re-fetch after each unanswered attempt with
# DialWhomNumber set to the agent just dialled, as Exotel does, until the answer dials
# nobody. When half of the calls have started, one replica is killed (SIGKILL): its calls'
# re-fetches reach the other replica, which has no hunt ledger entry for them and must move
# on from DialWhomNumber.
#
# Reports requests, failures (with the replica nginx sent each to: only requests in flight
# on the killed replica may fail), calls whose answers repeated a destination or skipped
# one, and latency. Exits 1 when a failure was not on the killed replica, or when any
# call repeated or skipped a destination.
set -euo pipefail
cd "$(dirname "$0")/.."
calls="${1:-2000}"
concurrency="${2:-32}"
work="$(mktemp -d /tmp/ringplan-scale.XXXXXX)"
front=18370; ports=(18371 18372); admins=(18381 18382)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

command -v nginx > /dev/null || { echo "needs nginx: apt-get install nginx" >&2; exit 2; }
swift build -c release --product ringplan > /dev/null
binary=.build/release/ringplan

# A rule set that hunts eight agents.
mkdir "$work/rules"
{
  echo "ringplan: 1"
  echo "timezone: Asia/Kolkata"
  echo "country: IN"
  echo "agents:"
  for agent in 1 2 3 4 5 6 7 8; do echo "  agent$agent: \"+9198765100$(printf %02d "$agent")\""; done
  echo "rules:"
  echo "  - name: hunt-all"
  echo "    dial:"
  echo "      to: [agent1, agent2, agent3, agent4, agent5, agent6, agent7, agent8]"
  echo "    ringing: 20s"
} > "$work/rules/desk.yaml"
$binary check "$work/rules" > /dev/null

state=()
database="${RINGPLAN_POSTGRES:-postgres://ringplan:ringplan@127.0.0.1:5432/ringplan_test?sslmode=disable}"
if command -v pg_isready > /dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then
  state=(--state "$database")
  echo "agent state: shared through PostgreSQL"
else
  echo "agent state: each replica's own (no PostgreSQL answering on 127.0.0.1:5432)"
fi

for index in 0 1; do
  $binary serve "$work/rules" --port "${ports[$index]}" --admin-port "${admins[$index]}" "${state[@]}" \
    --log-file "$work/replica-$index.log" > "$work/replica-$index.out" 2>&1 &
  pids+=("$!")
done
for index in 0 1; do
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:${ports[$index]}/readyz" > /dev/null && break
    sleep 0.1
  done
  curl -sf "http://127.0.0.1:${ports[$index]}/readyz" > /dev/null || { echo "replica $index did not start" >&2; cat "$work/replica-$index.out" >&2; exit 1; }
done

mkdir -p "$work/nginx-temp"
chmod 777 "$work/nginx-temp"
cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 1024; }
http {
  client_body_temp_path $work/nginx-temp/body;
  proxy_temp_path $work/nginx-temp/proxy;
  fastcgi_temp_path $work/nginx-temp/fastcgi;
  uwsgi_temp_path $work/nginx-temp/uwsgi;
  scgi_temp_path $work/nginx-temp/scgi;
  log_format scale '\$status \$upstream_addr \$upstream_status \$request_time';
  access_log $work/nginx-access.log scale;
  upstream ringplan {
    hash \$arg_CallSid consistent;
    server 127.0.0.1:${ports[0]} max_fails=1 fail_timeout=30s;
    server 127.0.0.1:${ports[1]} max_fails=1 fail_timeout=30s;
    keepalive 64;
  }
  server {
    listen 127.0.0.1:$front;
    location /connect/ {
      proxy_pass http://ringplan;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_connect_timeout 1s;
      proxy_read_timeout 5s;
    }
  }
}
NGINX
nginx -c "$work/nginx.conf" -p "$work" -g 'daemon on;' 2> "$work/nginx-start.log" || { cat "$work/nginx-start.log" >&2; exit 1; }

echo "driving $calls hunting calls, $concurrency at a time, through nginx on :$front; replica :${ports[0]} (pid ${pids[0]}) is killed halfway"
python3 - "$front" "$calls" "$concurrency" "${pids[0]}" "$work" <<'PYTHON'
import http.client, json, os, signal, sys, threading, time

front, calls, concurrency, victim, work = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
agents = ["+9198765100%02d" % n for n in range(1, 9)]
lock = threading.Lock()
started = [0]
killed_at = [None]
results = []  # per call: (destinations in order, failures [(status, time)])
latencies = []

def query(sid, last):
    status = "no-answer" if last else ""
    return (f"/connect/desk?CallSid={sid}&CallFrom=09845022222&CallTo=08047112345&Direction=incoming"
            f"&CallType=call-attempt&DialCallStatus={status}&DialWhomNumber={last.replace('+', '%2B') if last else ''}")

def call(connection, number):
    sid = "%032x" % (0x5ca1e << 100 | number)
    destinations, failures, last = [], [], ""
    for _ in range(12):
        start = time.monotonic()
        try:
            connection.request("GET", query(sid, last))
            response = connection.getresponse()
            body = response.read()
            status = response.status
        except Exception as error:
            connection.close()
            failures.append(("socket " + type(error).__name__, time.time()))
            continue
        latencies.append(time.monotonic() - start)
        if status != 200:
            failures.append((status, time.time()))
            continue
        answer = json.loads(body)
        dialled = [d.get("device_contact_uri") or d.get("contact_uri") for d in answer.get("destination", [])]
        if not dialled:
            break
        destinations += dialled
        last = dialled[-1]
    return destinations, failures

def worker():
    connection = http.client.HTTPConnection("127.0.0.1", front, timeout=10)
    while True:
        with lock:
            if started[0] >= calls:
                return
            number = started[0]
            started[0] += 1
            if number == calls // 2 and killed_at[0] is None:
                os.kill(victim, signal.SIGKILL)
                killed_at[0] = time.time()
        outcome = call(connection, number)
        with lock:
            results.append(outcome)

begin = time.monotonic()
threads = [threading.Thread(target=worker) for _ in range(concurrency)]
for thread in threads: thread.start()
for thread in threads: thread.join()
elapsed = time.monotonic() - begin

repeated = sum(1 for destinations, _ in results if len(set(destinations)) != len(destinations))
complete = sum(1 for destinations, _ in results if destinations == agents)
skipped = sum(1 for destinations, _ in results if len(set(destinations)) == len(destinations) and destinations != agents)
failures = [failure for _, fs in results for failure in fs]
requests = len(latencies) + sum(1 for f in failures if isinstance(f[0], str))
latencies.sort()
def quantile(q): return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
summary = {
    "calls": len(results), "requests": requests, "seconds": round(elapsed, 2), "requests_per_second": round(requests / elapsed),
    "failures": len(failures), "calls_dialling_all_eight_in_order": complete,
    "calls_that_repeated_a_destination": repeated, "calls_that_skipped_or_reordered": skipped,
    "latency_ms": {"p50": round(quantile(0.5), 2), "p99": round(quantile(0.99), 2), "max": round(latencies[-1] * 1000, 2)},
}
json.dump(summary, open(os.path.join(work, "summary.json"), "w"))
PYTHON

# nginx's log: which replica each failure was sent to.
killed="127.0.0.1:${ports[0]}"
python3 - "$work" "$killed" <<'PYTHON'
import json, os, sys
work, killed = sys.argv[1], sys.argv[2]
summary = json.load(open(os.path.join(work, "summary.json")))
lines = [line.split() for line in open(os.path.join(work, "nginx-access.log"))]
failed = [line for line in lines if line[0] != "200"]
on_killed = [line for line in failed if killed in line[1]]
retried = [line for line in lines if line[0] == "200" and "," in line[1]]
summary["nginx"] = {"requests": len(lines), "failed": len(failed), "failed_on_the_killed_replica": len(on_killed),
                    "retried_on_the_other_replica": len(retried)}
print(json.dumps(summary, indent=2))
bad = len(failed) - len(on_killed) + summary["calls_that_repeated_a_destination"] + summary["calls_that_skipped_or_reordered"]
if summary["failures"] != len(failed):
    print(f"the driver saw {summary['failures']} failures, nginx logged {len(failed)}")
    bad += 1
sys.exit(1 if bad else 0)
PYTHON
