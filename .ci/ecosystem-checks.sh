#!/usr/bin/env bash
# Checks the running system with the ecosystem's own tools, as an operator or analyst would:
#   - every service's /metrics (the console's too) passes `promtool check metrics` (Debian's `prometheus` package);
#   - what the processor writes to telemetry.summaries, telemetry.ratelimit, telemetry.alerts, telemetry.audit
#     and telemetry.vitals-attribution,
#     read with `kcat`, validates against the published JSON Schemas in docs/schemas/.
# It starts `./telemetry up` as .ci/smoke-up.sh does (short summary windows through the documented
# environment overrides) and sends traffic of every kind so that each derived topic gets records.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in curl promtool kcat java; do
  command -v "$tool" >/dev/null 2>&1 || { echo "ecosystem checks: '$tool' is not installed"; exit 1; }
done

gateway=http://localhost:8080
key=dev-ingest-key
bootstrap=localhost:9092

# shellcheck source=up-stack.sh
source .ci/up-stack.sh

# POSTs one body to a gateway route and insists on 202; __NOW__ becomes the current epoch millis.
post() {
  local route=$1 body=${2//__NOW__/$(date +%s%3N)} status
  status=$(curl -s -o "$work/resp.json" -w '%{http_code}' -X POST "$gateway$route" \
    -H 'Content-Type: application/json' -H "X-Telemetry-Key: $key" --data-binary "$body")
  if [ "$status" != 202 ]; then
    echo "POST $route -> $status $(cat "$work/resp.json")"; tail -30 "$log"; exit 1
  fi
  echo "POST $route -> 202"
}

echo "== traffic of every kind"
post /api/analytics/vitals '[{"name":"LCP","value":2400,"id":"v3-1","navigationType":"navigate","rating":"good","page":"/"},
  {"name":"CLS","value":0.04,"id":"v3-2","navigationType":"navigate","rating":"good","page":"/"},
  {"name":"INP","value":310,"id":"v3-3","navigationType":"navigate","rating":"needs-improvement","page":"/checkout"},
  {"name":"LCP","value":4800,"id":"v5-4","navigationType":"navigate","rating":"poor","page":"/checkout","attribution":{"target":"main > img.hero","timeToFirstByte":300}}]'
post /api/metrics '[{"name":"page_load","value":4200,"timestamp":__NOW__,"tags":{"page":"/checkout"}},
  {"name":"memory_usage","value":0.5,"timestamp":__NOW__}]'
post /api/analytics/actions '{"action":"add_to_cart","duration":180,"metadata":{"sku":"A-1"},"timestamp":__NOW__}'
post /api/errors '{"message":"Unauthorized access to /admin","type":"Error","stack":"Error: Unauthorized\n    at guard (app.js:10:5)","context":{},"tags":{},"level":"error","url":"https://shop.example/admin"}'
post /api/network-errors '{"url":"/api/cart","status":503,"method":"POST","duration":950}'
post /api/feedback '{"name":"Ada","email":"ada@example.com","comments":"Checkout felt slow"}'
post /api/security/events '{"event":"csp_violation","data":{"blockedURI":"https://evil.example"},"timestamp":__NOW__,"severity":"high"}'
post /api/synthetic '{"check":"homepage","success":false,"error":"timeout","durationMs":30000,"timestamp":__NOW__}'
# Request logs: one IP over the per-minute limit (100) on one endpoint, and a few ordinary ones.
requests=$(for i in $(seq 1 110); do
  printf '{"ip":"203.0.113.66","method":"GET","endpoint":"/api/search","status":200,"durationMs":40,"userAgent":"curl/8","userId":null,"query":"q=%d"}\n' "$i"
done; printf '{"ip":"198.51.100.7","method":"GET","endpoint":"/api/cart","status":500,"durationMs":1200,"userAgent":"Mozilla/5.0","userId":"u1","query":""}\n')
curl -s -o "$work/resp.json" -w 'POST /api/requests (NDJSON, 111 lines) -> %{http_code}\n' -X POST "$gateway/api/requests" \
  -H 'Content-Type: application/x-ndjson' -H "X-Telemetry-Key: $key" --data-binary "$requests" | tee "$work/status"
grep -q ' 202$' "$work/status" || { cat "$work/resp.json"; exit 1; }

echo "== promtool check metrics"
declare -A metrics=([ingest-gateway]=8080 [stream-processor]=8081 [alert-sink]=8082 [synthetic-prober]=8083 [console]=8084)
failed=0
for service in ingest-gateway stream-processor alert-sink synthetic-prober console; do
  url="http://localhost:${metrics[$service]}/metrics"
  if ! curl -sf -o "$work/$service.prom" "$url"; then
    if [ "$service" = synthetic-prober ]; then echo "$service: not running (no answer on $url), skipped"; continue; fi
    echo "$service: no answer on $url"; failed=1; continue
  fi
  if promtool check metrics <"$work/$service.prom" >"$work/$service.lint" 2>&1; then
    echo "$service: $(grep -c '^# TYPE' "$work/$service.prom") metric families, promtool: ok"
  else
    echo "$service: promtool check metrics failed:"; cat "$work/$service.lint"; failed=1
  fi
done
[ $failed = 0 ] || exit 1

echo "== records on the derived topics against docs/schemas (kcat)"
# read_committed: the processor writes in exactly-once transactions.
read_topic() {
  kcat -b "$bootstrap" -C -t "$1" -e -q -X isolation.level=read_committed 2>"$work/kcat.err" || true
}
# Summaries close within seconds; a rate-limit count when its minute closes (up to ~70 s).
deadline=$((SECONDS + 150))
for topic in telemetry.summaries telemetry.alerts telemetry.ratelimit telemetry.audit telemetry.vitals-attribution; do
  until [ "$(read_topic "$topic" | grep -c .)" -gt 0 ]; do
    if [ $SECONDS -gt $deadline ]; then
      echo "no record on $topic"; cat "$work/kcat.err"; tail -30 "$log"; exit 1
    fi
    sleep 2
  done
done
for topic in telemetry.summaries telemetry.alerts telemetry.ratelimit telemetry.audit telemetry.vitals-attribution; do
  read_topic "$topic" >"$work/$topic.jsonl"
  java -Dlogback.configurationFile=local-stack-logback.xml -cp local-stack/target/local-stack.jar \
    dev.telemetry.stack.schema.SchemaCheck \
    "docs/schemas/$topic.schema.json" --min-records 1 <"$work/$topic.jsonl" || failed=1
done
grep -q '"exceeded":true' "$work/telemetry.ratelimit.jsonl" || { echo "no exceeded rate-limit count"; failed=1; }
grep -q '"rule":"rate_limit_exceeded"' "$work/telemetry.alerts.jsonl" || { echo "no rate_limit_exceeded alert"; failed=1; }
grep -q '"target":"main > img.hero"' "$work/telemetry.vitals-attribution.jsonl" || { echo "no LCP offender"; failed=1; }
[ $failed = 0 ] || exit 1

kill -TERM "$pid"
wait "$pid" || true
grep -q "Stopped cleanly" "$log" || { echo "did not stop cleanly:"; tail -30 "$log"; exit 1; }
echo "ecosystem checks: ok (promtool clean on every service, derived topics match docs/schemas)"
