#!/usr/bin/env bash
# Measures `ringplan serve` over loopback with wrk, against nginx answering the same body
# from a static `return 200` in the same run. Needs wrk and nginx (apt-get install wrk
# nginx-light). Usage: scripts/bench-http.sh [seconds]; THROUGHPUT_ONLY=1 stops after the
# throughput comparison, EVENTS_ONLY=1 runs only the agent-events comparison; SERVE_ARGS
# adds options to `ringplan serve` (e.g. "--threads 1").
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-10}"
work="$(mktemp -d /tmp/ringplan-bench-http.XXXXXX)"
port=18180; admin=18181; nginx_port=18190
cleanup() {
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

swift build -c release --product ringplan >/dev/null
cp -r rules "$work/rules"

# The realistic request of connect-protocol.md (15 parameters and digits), with a fresh
# CallSid per request so that every request is the first fetch of a new call (RUN keeps the
# CallSids of separate wrk runs apart).
query='CallFrom=09901320691&CallTo=08069891522&Direction=incoming&Created=Wed%2C+31+Jul+2024+16%3A42%3A56&DialCallDuration=0&StartTime=2024-07-31+16%3A42%3A56&EndTime=1970-01-01+05%3A30%3A00&CallType=call-attempt&DialWhomNumber=&flow_id=11754&tenant_id=1409&From=09901320691&To=08069891522&CurrentTime=2024-07-31+16%3A43%3A02&digits=%222%22'
cat > "$work/calls.lua" <<LUA
local counter = 0
local run = os.getenv("RUN") or "run"
local limit = tonumber(os.getenv("REQUESTS") or "0")
request = function()
  counter = counter + 1
  if limit > 0 and counter > limit then wrk.thread:stop() end
  return wrk.format("GET", "/connect/support?CallSid=" .. run .. string.format("-%024x", counter) .. "&$query", {["exotel-version"] = "1.0"})
end
done = function(summary, latency, requests)
  io.write(string.format("p99 %.2f ms, non-2xx %d, socket errors %d\n", latency:percentile(99) / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA

./.build/release/ringplan serve "$work/rules" --port $port --admin-port $admin --log-file "$work/decisions.log" \
  --state "sqlite:$work/state.sqlite" ${SERVE_ARGS:-} 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
body="$(curl -s "http://127.0.0.1:$port/connect/support?CallSid=probe&$query")"
echo "answer: $body"

# nginx answering the same body from a static return.
escaped="$(printf '%s' "$body" | sed "s/'/\\\\'/g")"
cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx.err;
events { worker_connections 1024; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { default_type application/json; return 200 '$escaped'; }
  }
}
NGINX
nginx -c "$work/nginx.conf"
sleep 0.3

# The framework's floor: a route of the same server that does no work.
cat > "$work/healthz.lua" <<LUA
request = function() return wrk.format("GET", "/healthz") end
LUA
# The host's speed drifts from minute to minute, so the three are measured in turns,
# ROUNDS times (default 3), and the ratio is the median of the rounds' ratios.
rounds="${ROUNDS:-3}"
rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Agent pass-through events at about 1,000 a second (five connections, each waiting 4 ms
# between requests) while /connect is under load: each call marks one of the rule set's
# agents or another number busy, then free, and every fourth is answered (a sticky agent).
# The same rate of /healthz requests is the control: the same traffic, nothing applied.
cat > "$work/events.lua" <<'LUA'
local counter = 0
local agents = {"%2B919876500001", "%2B919876500002", "%2B919876500003", "sip%3Avikram4c2e"}
delay = function() return 4 end
request = function()
  counter = counter + 1
  local call = math.floor((counter + 1) / 2)
  local whom = agents[call % 5 + 1] or string.format("%%2B9198400%05d", call % 50000)
  local kind, status = "Dial", "busy"
  if counter % 2 == 0 then kind, status = "Terminal", "free" elseif call % 4 == 0 then kind = "Answered" end
  return wrk.format("GET", string.format("/events/support?CallSid=ev-%d&CallFrom=09901%06d&DialWhomNumber=%s&EventType=%s&Status=%s",
    call, call % 1000000, whom, kind, status))
end
LUA
cat > "$work/healthz-paced.lua" <<'LUA'
delay = function() return 4 end
request = function() return wrk.format("GET", "/healthz") end
LUA
if [ "${EVENTS_ONLY:-0}" = 1 ]; then
  for round in $(seq "$rounds"); do
    for side in none healthz events; do
      if [ "$side" != none ]; then
        script="$work/events.lua"; [ "$side" = healthz ] && script="$work/healthz-paced.lua"
        wrk -t1 -c5 -d"$((duration + 2))s" -s "$script" "http://127.0.0.1:$port" > "$work/side.$side.$round.txt" &
        side_pid=$!
        sleep 1
      fi
      RUN="ev$side$round" wrk -t1 -c64 -d"${duration}s" --latency -s "$work/calls.lua" "http://127.0.0.1:$port" > "$work/connect.$side.$round.txt"
      [ "$side" != none ] && wait "$side_pid"
      printf "round %s, %-7s beside: /connect %s req/s, %s" "$round" "$side" "$(rps "$work/connect.$side.$round.txt")" \
        "$(grep -E '^p99' "$work/connect.$side.$round.txt")"
      [ "$side" != none ] && printf "   (%s: %s req/s)" "$side" "$(rps "$work/side.$side.$round.txt")"
      echo
      awk '/^p99/ {print $2}' "$work/connect.$side.$round.txt" >> "$work/p99.$side.txt"
    done
  done
  for side in none healthz events; do echo "median /connect p99 with $side beside: $(median < "$work/p99.$side.txt") ms"; done
  curl -s "http://127.0.0.1:$admin/metrics" | grep -E '^ringplan_(agent_events_total|busy_skips_total|sticky_hits_total|state_)'
  exit 0
fi
for round in $(seq "$rounds"); do
  echo "--- round $round: nginx static return, wrk -t1 -c64 -d${duration}s"
  wrk -t1 -c64 -d"${duration}s" --latency -s "$work/calls.lua" "http://127.0.0.1:$nginx_port" | tee "$work/nginx.$round.txt" | grep -E "Requests/sec|p99"
  echo "--- round $round: the same server's /healthz (a bare Hummingbird route)"
  wrk -t1 -c64 -d"${duration}s" -s "$work/healthz.lua" "http://127.0.0.1:$port" | tee "$work/bare.$round.txt" | grep -E "Requests/sec"
  echo "--- round $round: ringplan serve /connect/support (decision log to a file)"
  RUN="round$round" wrk -t1 -c64 -d"${duration}s" --latency -s "$work/calls.lua" "http://127.0.0.1:$port" | tee "$work/ringplan.$round.txt" | grep -E "Requests/sec|p99"
  awk -v a="$(rps "$work/ringplan.$round.txt")" -v b="$(rps "$work/nginx.$round.txt")" -v c="$(rps "$work/bare.$round.txt")" \
    'BEGIN { printf "%.3f %.3f\n", a / b, c / b }' >> "$work/ratios.txt"
done
echo "ratio ringplan/nginx per round: $(cut -d' ' -f1 "$work/ratios.txt" | tr '\n' ' ')"
echo "median ratio ringplan/nginx: $(cut -d' ' -f1 "$work/ratios.txt" | median)" \
  "(bare route/nginx: $(cut -d' ' -f2 "$work/ratios.txt" | median))"
echo "decision log lines: $(wc -l < "$work/decisions.log")"
[ "${THROUGHPUT_ONLY:-0}" = 1 ] && exit 0

echo "--- reload under load: support.yaml rewritten 10 times a second for 30 s"
(
  for i in $(seq 300); do
    if [ $((i % 2)) = 0 ]; then ringing=25s; else ringing=30s; fi
    sed "s/  ringing: 30s /  ringing: $ringing /" rules/support.yaml > "$work/rules/.support.yaml.tmp"
    mv "$work/rules/.support.yaml.tmp" "$work/rules/support.yaml"
    sleep 0.1
  done
) &
writer=$!
start_line=$(($(wc -l < "$work/decisions.log") + 1))
RUN=reload wrk -t1 -c64 -d30s --latency -s "$work/calls.lua" "http://127.0.0.1:$port" | grep -E "Requests/sec|p99"
wait $writer
sleep 0.5
curl -s "http://127.0.0.1:$admin/metrics" | grep -E '^ringplan_reloads_total'
# Every answer during the run came from a complete version: status 200, and one of the
# versions that were loaded.
tail -n +"$start_line" "$work/decisions.log" | grep '"msg":"decision"' > "$work/during.log" || true
echo "answers during the run: $(wc -l < "$work/during.log"), not 200: $(grep -vc '"status":200' "$work/during.log" || true), versions seen: $(grep -o '"rules_version":"[0-9a-f]*"' "$work/during.log" | sort -u | wc -l)"

echo "--- memory: resident size after 10,000 and after 1,000,000 requests (every one a new hunting call)"
rss() { awk '/VmRSS/ {print $2}' "/proc/$server_pid/status"; }
RUN=memory1 REQUESTS=10000 wrk -t1 -c64 -d60s -s "$work/calls.lua" "http://127.0.0.1:$port" >/dev/null
after10k=$(rss)
RUN=memory2 REQUESTS=990000 wrk -t1 -c64 -d120s -s "$work/calls.lua" "http://127.0.0.1:$port" >/dev/null
after1m=$(rss)
echo "RSS after 10k: ${after10k} kB, after 1M: ${after1m} kB, growth $(awk -v a="$after1m" -v b="$after10k" 'BEGIN { printf "%.1f%%", (a - b) * 100 / b }')"
