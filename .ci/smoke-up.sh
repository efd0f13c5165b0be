#!/usr/bin/env bash
# Smoke test of `./telemetry up` as the README describes it: start everything, POST the seed's
# sendToAnalytics payload, and read its summary from telemetry.summaries once the window closed,
# with no later event to push the window shut. Windows are shortened through the documented
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

kill -TERM "$pid"
wait "$pid" || true
grep -q "Stopped cleanly" "$log" || { echo "did not stop cleanly:"; tail -30 "$log"; exit 1; }
echo "smoke: ok (202, summary on telemetry.summaries, clean stop)"
