#!/usr/bin/env bash
# Soak: `ringplan serve` under wrk at half its measured capacity for MINUTES, with the rules
# rewritten every second (valid and broken versions alternating).
# Usage: scripts/soak.sh MINUTES. Needs wrk (apt-get install wrk).
#
# The request mix is new calls and the re-fetches of their hunts and plans: per six requests,
# a VIP call (hunts priya, rahul), its re-fetch after priya did not answer, a call for the
# support line with skill 2 (parallel ringing), an everyone-else call (hunts sales)
# re-fetched without a ledger entry (DialWhomNumber only), and a customer's call on
# /connect/sales (a CRM lookup, then the team) with its re-fetch. Agent events do not exist yet.
#
# Every 10 s it samples the server's resident memory and open file descriptors, sockets
# apart (wrk's connections, whose number the pacing changes each minute). It fails on: any
# non-2xx answer or socket error (every request is valid), an answer from a broken version
# (they carry `max_ringing_duration` 59, which no valid version has), resident memory more
# than 10% above its value after the first minute, descriptors other than sockets growing
# past their first-minute count, more sockets than wrk's connections, the two listeners and a few closing,
# a p99 latency over 10 ms in any minute, or a reload of a valid version that did not
# happen or a broken one that was accepted.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:?usage: scripts/soak.sh MINUTES}"
[ "$minutes" -ge 2 ] || { echo "MINUTES must be at least 2 (the first minute is the baseline)" >&2; exit 2; }
work="$(mktemp -d /tmp/ringplan-soak.XXXXXX)"
port=18280; admin=18281
cleanup() {
  for pid in ${writer_pid:-} ${sampler_pid:-} ${server_pid:-}; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

swift build -c release --product ringplan >/dev/null
cp -r rules "$work/rules"
grep -q '^  ringing: 30s ' rules/support.yaml || { echo "rules/support.yaml has no default 'ringing: 30s' to vary" >&2; exit 2; }

# The versions the writer cycles through: valid with ringing 25 s, broken (a check error),
# valid with ringing 30 s, broken (a YAML syntax error). Broken ones ring 59 s.
versions="$work/versions"
mkdir "$versions" && cp rules/team.yaml "$versions/"
sed 's/^  ringing: 30s /  ringing: 25s /' rules/support.yaml > "$versions/valid-25.yaml"
cp rules/support.yaml "$versions/valid-30.yaml"
sed -e 's/^  ringing: 30s /  ringing: 59s /' -e 's/to: \[priya, rahul\]/to: [priya, rahull]/' rules/support.yaml > "$versions/broken-check.yaml"
sed -e 's/^  ringing: 30s /  ringing: 59s /' -e 's/^rules: /rules: [/' rules/support.yaml > "$versions/broken-yaml.yaml"
for file in valid-25 valid-30; do ./.build/release/ringplan check "$versions/$file.yaml" >/dev/null; done
for file in broken-check broken-yaml; do
  if ./.build/release/ringplan check "$versions/$file.yaml" >/dev/null 2>&1; then echo "$file.yaml should not check" >&2; exit 2; fi
done

common='Direction=incoming&Created=Wed%2C+31+Jul+2024+16%3A42%3A56&DialCallDuration=0&StartTime=2024-07-31+16%3A42%3A56&EndTime=1970-01-01+05%3A30%3A00&CallType=call-attempt&flow_id=11754&tenant_id=1409&CurrentTime=2024-07-31+16%3A43%3A02'
cat > "$work/mix.lua" <<LUA
-- RATE_DELAY (ms) paces each connection; 0 runs flat out (the capacity measurement).
local pause = tonumber(os.getenv("RATE_DELAY") or "0")
local run = os.getenv("RUN") or "run"
counter, broken = 0, 0  -- globals: done() reads broken from each thread
local common = "$common"
local calls = {
  function(sid) return "sales?CallSid=" .. sid .. "r&CallFrom=09845022222&CallTo=08047112345&From=09845022222&To=08047112345&DialWhomNumber=&CurrentTime=2024-07-31+11%3A43%3A02" end,
  function(sid) return "sales?CallSid=" .. sid .. "r&CallFrom=09845022222&CallTo=08047112345&From=09845022222&To=08047112345&DialCallStatus=no-answer&DialWhomNumber=09876500002&CurrentTime=2024-07-31+11%3A43%3A03" end,
  function(sid) return "support?CallSid=" .. sid .. "v&CallFrom=09845012345&CallTo=08047112345&From=09845012345&To=08047112345&DialWhomNumber=&digits=" end,
  function(sid) return "support?CallSid=" .. sid .. "v&CallFrom=09845012345&CallTo=08047112345&From=09845012345&To=08047112345&DialCallStatus=no-answer&DialWhomNumber=09876500001" end,
  function(sid) return "support?CallSid=" .. sid .. "s&CallFrom=09901320691&CallTo=08047112345&From=09901320691&To=08047112345&DialWhomNumber=&digits=%222%22" end,
  function(sid) return "support?CallSid=" .. sid .. "e&CallFrom=09901320691&CallTo=08069891522&From=09901320691&To=08069891522&DialCallStatus=busy&DialWhomNumber=09876500001" end,
}
request = function()
  counter = counter + 1
  local sid = run .. string.format("-%022x", counter - counter % 2)
  return wrk.format("GET", "/connect/" .. calls[counter % 6 + 1](sid) .. "&" .. common, {["exotel-version"] = "1.0"})
end
if pause > 0 then delay = function() return pause end end
response = function(status, headers, body)
  if string.find(body, '"max_ringing_duration":59', 1, true) then broken = broken + 1 end
end
local threads = {}
setup = function(thread) table.insert(threads, thread) end
done = function(summary, latency, requests)
  local fromBroken = 0
  for _, thread in ipairs(threads) do fromBroken = fromBroken + thread:get("broken") end
  io.write(string.format("RESULT requests %d rps %.0f p50 %.3f p99 %.3f max %.3f non2xx %d socket %d broken %d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, fromBroken))
end
LUA

./.build/release/ringplan serve "$work/rules" --port $port --admin-port $admin --log-file "$work/decisions.log" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { echo "server did not start:" >&2; cat "$work/server.err" >&2; exit 1; }
result() { grep '^RESULT' "$1" | awk -v key="$2" '{ for (i = 2; i < NF; i += 2) if ($i == key) print $(i + 1) }'; }

echo "--- capacity: wrk -t1 -c64 -d10s, the mix flat out"
RUN=capacity wrk -t1 -c64 -d10s -s "$work/mix.lua" "http://127.0.0.1:$port" > "$work/capacity.txt"
capacity="$(result "$work/capacity.txt" rps)"
# Half of it: each of C connections waits 10 ms after each answer, so C = rate / 100.
connections=$(awk -v c="$capacity" 'BEGIN { n = int(c / 2 / 100 + 0.5); print (n < 1 ? 1 : n) }')
echo "capacity ${capacity} req/s; soak at half: $connections connections, each pausing 10 ms between requests"

# The writer: a new version of support.yaml every second, renamed into place.
(
  order=(valid-25 broken-check valid-30 broken-yaml)
  i=0
  while true; do
    cp "$versions/${order[i % 4]}.yaml" "$work/rules/.support.yaml.tmp"
    mv "$work/rules/.support.yaml.tmp" "$work/rules/support.yaml"
    i=$((i + 1)); sleep 1
  done
) &
writer_pid=$!

# The sampler: seconds, resident kB, descriptors, every 10 s; the decision log is emptied
# each time (append-only, so the server keeps writing at the new end).
(
  start=$(date +%s)
  while true; do
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$server_pid/status")
    sockets=$(find "/proc/$server_pid/fd" -lname 'socket:*' 2>/dev/null | wc -l)
    others=$(( $(ls "/proc/$server_pid/fd" | wc -l) - sockets ))
    echo "$(( $(date +%s) - start )) $rss $others $sockets" >> "$work/samples.txt"
    : > "$work/decisions.log"
    sleep 10
  done
) &
sampler_pid=$!

failed=0
fail() { echo "FAIL: $*"; failed=1; }
printf '%-7s %6s %9s %8s %9s %9s %9s %7s %7s %7s\n' minute conns requests "req/s" "p50 ms" "p99 ms" "max ms" non2xx socket broken
most_connections=0
for minute in $(seq "$minutes"); do
  [ "$connections" -gt "$most_connections" ] && most_connections=$connections
  RUN="m$minute" RATE_DELAY=10 wrk -t1 -c"$connections" -d60s -s "$work/mix.lua" "http://127.0.0.1:$port" > "$work/minute.$minute.txt"
  r() { result "$work/minute.$minute.txt" "$1"; }
  printf '%-7s %6s %9s %8s %9s %9s %9s %7s %7s %7s\n' "$minute" "$connections" "$(r requests)" "$(r rps)" "$(r p50)" "$(r p99)" "$(r max)" "$(r non2xx)" "$(r socket)" "$(r broken)"
  # Pacing ignores each answer's latency and wrk's timer: steer the next minute to half capacity.
  connections=$(awk -v n="$connections" -v want="$capacity" -v got="$(r rps)" 'BEGIN { c = int(n * want / 2 / got + 0.5); if (c < 1) c = 1; if (c > 4 * n) c = 4 * n; print c }')
  [ "$(r non2xx)" = 0 ] || fail "minute $minute: $(r non2xx) answers were not 2xx"
  [ "$(r socket)" = 0 ] || fail "minute $minute: $(r socket) socket errors"
  [ "$(r broken)" = 0 ] || fail "minute $minute: $(r broken) answers came from a broken version"
  awk -v p="$(r p99)" 'BEGIN { exit !(p > 10) }' && fail "minute $minute: p99 $(r p99) ms is over 10 ms"
done
kill "$writer_pid"; writer_pid=""
kill "$sampler_pid"; sampler_pid=""

echo "--- memory and descriptors (every 10 s: seconds, resident kB, descriptors other than sockets, sockets)"
column -t "$work/samples.txt" | awk '{ printf "%s  ", $0; if (NR % 4 == 0) print "" } END { print "" }'
# The baseline is the last sample of the first minute.
read -r base_rss base_fds < <(awk '$1 <= 60 { r = $2; f = $3 } END { print r, f }' "$work/samples.txt")
read -r peak_rss peak_fds peak_sockets < <(awk '$1 > 60 { if ($2 > r) r = $2; if ($3 > f) f = $3; if ($4 > s) s = $4 } END { print r + 0, f + 0, s + 0 }' "$work/samples.txt")
growth=$(awk -v a="$peak_rss" -v b="$base_rss" 'BEGIN { printf "%.1f", (a - b) * 100 / b }')
echo "resident after the first minute ${base_rss} kB, highest after it ${peak_rss} kB (${growth}%); descriptors other than sockets ${base_fds}, highest ${peak_fds}; sockets at most ${peak_sockets} (wrk's connections at most ${most_connections}, and two listeners)"
awk -v g="$growth" 'BEGIN { exit !(g > 10) }' && fail "resident memory grew ${growth}% after the first minute"
[ "$peak_fds" -le "$base_fds" ] || fail "descriptors other than sockets grew from $base_fds to $peak_fds"
[ "$peak_sockets" -le $((most_connections + 10)) ] || fail "$peak_sockets sockets open for $most_connections connections, two listeners and a few closing"

metrics="$(curl -s "http://127.0.0.1:$admin/metrics")"
reloads() { echo "$metrics" | awk -v o="outcome=\"$1\"" 'index($0, "ringplan_reloads_total{") == 1 && index($0, o) { print $2 }'; }
loaded="$(reloads loaded)"; failed_reloads="$(reloads failed)"
echo "reloads: ${loaded:-0} loaded, ${failed_reloads:-0} failed (the writer wrote $((minutes * 60)) versions or so, half of them broken)"
[ "${loaded:-0}" -ge $((minutes * 60 / 4)) ] || fail "only ${loaded:-0} valid versions were loaded"
[ "${failed_reloads:-0}" -ge $((minutes * 60 / 4)) ] || fail "only ${failed_reloads:-0} broken versions were refused"
current="$(curl -s "http://127.0.0.1:$port/connect/support?CallSid=final&CallFrom=09845012345&CallTo=08047112345&$common")"
case "$current" in *'"max_ringing_duration":59'*) fail "the server ends on a broken version: $current" ;; esac
kill -0 "$server_pid" 2>/dev/null || fail "the server is gone: $(tail -3 "$work/server.err")"

if [ "$failed" = 0 ]; then echo "soak passed: $minutes minutes"; rm -rf "$work"; else echo "soak failed; files in $work"; exit 1; fi
