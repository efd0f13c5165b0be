#!/usr/bin/env bash
# Smoke test of `./telemetry up` as the README describes it: start everything, POST the seed's
# sendToAnalytics payload, and read its summary from telemetry.summaries once the window closed,
# with no later event to push the window shut. Then the console: the one in the stack (the banner's URL) and
# its jar run alone, as the README's "Console" section says, each healthy and serving its page. Windows are shortened through the documented
# environment overrides so the check takes seconds, not a minute.
set -euo pipefail
cd "$(dirname "$0")/.."


# shellcheck source=up-stack.sh
source .ci/up-stack.sh

status=$(curl -s -o "$work/resp.json" -w '%{http_code}' -X POST http://localhost:8080/api/analytics/vitals \
  -H 'Content-Type: application/json' -H 'X-Telemetry-Key: dev-ingest-key' \
  -d '{"name":"LCP","value":2400,"id":"v3-smoke","navigationType":"navigate"}')
echo "POST /api/analytics/vitals -> $status $(cat "$work/resp.json")"
[ "$status" = 202 ] || { cat "$log"; exit 1; }

# No further event is sent: the window must close on wall-clock time. The stack's synthetic prober
# also writes summaries (its check of the gateway's health), so look for the LCP one among them.
: >"$work/summary.json"
deadline=$((SECONDS + 90))
until [ -s "$work/summary.json" ] || [ $SECONDS -gt $deadline ]; do
  ./telemetry read telemetry.summaries --timeout-ms 5000 >"$work/summaries.json" || true
  grep -m 1 '"metric":"LCP"' "$work/summaries.json" >"$work/summary.json" || true
done
echo "summary: $(cat "$work/summary.json")"
grep -q '"metric":"LCP"' "$work/summary.json" || { echo "no LCP summary on telemetry.summaries"; cat "$log"; exit 1; }
grep -q '"count":1' "$work/summary.json" || { echo "summary count is not 1"; exit 1; }

# Polls a URL until it answers 200 (deadline in seconds) and saves the body to $2.
await_200() {
  local url=$1 out=$2 deadline=$((SECONDS + $3)) status
  until status=$(curl -s -o "$out" -w '%{http_code}' "$url") && [ "$status" = 200 ]; do
    if [ $SECONDS -gt "$deadline" ]; then echo "$url -> ${status:-no answer} $(cat "$out" 2>/dev/null)"; return 1; fi
    sleep 1
  done
  echo "$url -> 200"
}
# The README's console commands against a console at $1 (e.g. http://localhost:8084/): healthy, its start page,
# and the LCP summary read above in /api/series (a console rebuilds its views from the topics).
check_console() {
  local base=$1 deadline
  await_200 "${base}health" "$work/console-health.json" "$2" || return 1
  await_200 "$base" "$work/console.html" 10 || return 1
  grep -q 'telemetry console</title>' "$work/console.html" || { echo "$base: not the console's start page"; return 1; }
  deadline=$((SECONDS + 60))
  until curl -s "${base}api/series?metric=LCP" | grep -q '"windowStart"'; do
    [ $SECONDS -le $deadline ] || { echo "${base}api/series?metric=LCP: no LCP series"; return 1; }
    sleep 1
  done
  echo "${base}api/series?metric=LCP has the summary"
}

# The console, as the banner prints it: it follows the stack's broker.
console_url=$(sed -n 's|.*Console (open it in a browser): *\(http://[^ ]*\).*|\1|p' "$log")
[ "$console_url" = http://localhost:8084/ ] || { echo "the banner names no console URL (or another): '$console_url'"; cat "$log"; exit 1; }
check_console "$console_url" 60 || { tail -30 "$log"; exit 1; }

# The console as its own service: its jar, alone, against the same broker on another port.
CONSOLE_HTTP_PORT=18084 KAFKA_BOOTSTRAP_SERVERS=localhost:9092 CONSOLE_SERVICES_GATEWAY=http://localhost:8080 \
  java -jar console/target/console.jar >"$work/console-jar.log" 2>&1 &
console_pid=$!
# Stopped on any exit too, before the stack (up-stack.sh's cleanup).
trap 'kill -TERM "$console_pid" 2>/dev/null || true; wait "$console_pid" 2>/dev/null || true; cleanup' EXIT
check_console http://localhost:18084/ 120 || { tail -30 "$work/console-jar.log"; exit 1; }
kill -TERM "$console_pid"
wait "$console_pid" || true
grep -q "console: stopped cleanly" "$work/console-jar.log" || { echo "console.jar did not stop cleanly:"; tail -30 "$work/console-jar.log"; exit 1; }

kill -TERM "$pid"
wait "$pid" || true
grep -q "Stopped cleanly" "$log" || { echo "did not stop cleanly:"; tail -30 "$log"; exit 1; }
echo "smoke: ok (202, summary on telemetry.summaries, the console healthy in the stack and as its own jar, clean stop)"
