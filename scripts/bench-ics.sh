#!/usr/bin/env bash
# Times `ringplan check` on a rule set whose calendar reads an iCalendar file of EVENTS
# events (default 5,000): a holiday feed's all-day days, timed events in three zones,
# yearly, weekly and monthly series with and without an end. Usage: scripts/bench-ics.sh [EVENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
events="${1:-5000}"
work="$(mktemp -d /tmp/ringplan-bench-ics.XXXXXX)"
trap 'rm -rf "$work"' EXIT
swift build -c release --product ringplan >/dev/null

python3 - "$events" "$work" <<'PY'
import datetime, sys
events, work = int(sys.argv[1]), sys.argv[2]
lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//ringplan bench//EN"]
start = datetime.date(2027, 1, 1)
zones = ["Asia/Kolkata", "Europe/London", "America/New_York"]
for i in range(events):
    lines += ["BEGIN:VEVENT", f"UID:{i}@bench"]
    day = start + datetime.timedelta(days=(i * 7) % 3650)
    kind = i % 10
    if kind < 5:    # a one-off all-day day
        lines += [f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"DTEND;VALUE=DATE:{day + datetime.timedelta(days=1):%Y%m%d}"]
    elif kind < 8:  # a timed event in some zone
        hour = 8 + i % 9
        lines += [f"DTSTART;TZID={zones[i % 3]}:{day:%Y%m%d}T{hour:02d}{(i * 5) % 60:02d}00",
                  f"DTEND;TZID={zones[i % 3]}:{day:%Y%m%d}T{hour + 2:02d}{(i * 5) % 60:02d}00"]
    elif kind == 8: # a yearly holiday
        lines += [f"DTSTART;VALUE=DATE:{day:%Y%m%d}", "RRULE:FREQ=YEARLY"]
    else:           # a weekly meeting for ten weeks
        lines += [f"DTSTART;TZID=Asia/Kolkata:{day:%Y%m%d}T150000", f"DTEND;TZID=Asia/Kolkata:{day:%Y%m%d}T160000",
                  "RRULE:FREQ=WEEKLY;COUNT=10"]
    lines += [f"SUMMARY:Event {i}", "END:VEVENT"]
lines.append("END:VCALENDAR")
open(f"{work}/feed.ics", "w").write("\r\n".join(lines) + "\r\n")
open(f"{work}/r.yaml", "w").write("""ringplan: 1
agents: { a: "+919876500001", b: "+919876500002" }
calendars:
  feed: { ics: feed.ics }
  hours: { weekly: { mon-fri: "09:30-18:30" }, except: feed }
rules:
  - { name: closed, when: { time: feed }, dial: b }
  - { name: open, when: { time: hours }, dial: a }
  - { name: rest, dial: b }
""")
PY
echo "$(grep -c BEGIN:VEVENT "$work/feed.ics") events, $(wc -c < "$work/feed.ics") bytes"
for round in 1 2 3 4 5; do
  /usr/bin/time -f "round $round: %e s, %M kB" ./.build/release/ringplan check "$work/r.yaml" > "$work/out.txt" || { cat "$work/out.txt"; exit 1; }
done
