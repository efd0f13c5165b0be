#!/usr/bin/env bash
# Ingest gateway benchmark: one local broker, one run, four measurements compared in that run.
#
#   1. Kafka's ProducerPerformance, same producer settings, same envelopes  -> baseline events/s
#   2. gateway, 100 events per request (POST /api/metrics)                  -> events/s   (target >= 0.7 x 1)
#   3. gateway, one event per request                                        -> requests/s, p50, p99
#   4. gateway, trivial endpoint (POST /api/ping, same server, same body)   -> requests/s (target: 3 >= 0.6 x 4)
#   5. Kafka's ProducerPerformance again, throttled to the rate of 3        -> CPU per record of Kafka's own client
#   and the gateway's heap (run with -Xmx256m; used heap sampled every second from /metrics), and the CPU
#   per request of the gateway and the broker in 3 and 4 (from /proc, during the measured seconds only).
#   5 answers "how much of 3's cost is Kafka's client at this record rate", which no gateway code can remove.
#
# With --vitals (issue 19), also, in the same run, on the same broker and gateway:
#   1v. ProducerPerformance with the gateway's envelopes of the plain and of the attribution-bearing vitals
#   2v. gateway, 100 plain web vitals per request (POST /api/analytics/vitals), BATCH_CONNECTIONS, DURATION
#   2a. gateway, the same 100 vitals with the attribution build's object (performance entries included, which
#       the gateway drops), formFactor and connection, same connections and duration
#   2c. gateway, the same 100 vitals as clients/browser sends them (the attribution's plain fields only: the same
#       envelopes as 2a from a far smaller body)
#   -> the events/s, their ratios to the baseline of 1 (and to 1v), attribution / plain; 0 non-2xx required.
#   The bodies and envelopes come from dev.telemetry.benchmarks.gateway.VitalsPayloads.
#
# Usage: benchmarks/gateway-benchmark.sh [--vitals]  (from anywhere; needs Java 17+, Maven, wrk)
# Knobs (environment): DURATION=20 WARMUP=30 CONNECTIONS=64 BATCH_CONNECTIONS=16 RECORDS=1000000 MVN_FLAGS=-o
set -euo pipefail

VITALS=0
for arg in "$@"; do
  case "$arg" in
    --vitals) VITALS=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "unknown option: $arg (usage: $0 [--vitals])" >&2; exit 2 ;;
  esac
done

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-30}
CONNECTIONS=${CONNECTIONS:-64}
BATCH_CONNECTIONS=${BATCH_CONNECTIONS:-16}
WRK_THREADS=${WRK_THREADS:-2}
RECORDS=${RECORDS:-1000000}
MVN_FLAGS=${MVN_FLAGS:-}
WORK="$ROOT/benchmarks/target/gateway-benchmark"

if ! command -v wrk >/dev/null 2>&1; then
  echo "== installing wrk (Debian package)"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi

echo "== building (mvn package, no tests, nothing installed)"
# shellcheck disable=SC2086
mvn -B -q $MVN_FLAGS -pl benchmarks -am package -DskipTests \
  dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt
CP="$ROOT/benchmarks/target/classes:$(cat "$ROOT/benchmarks/target/bench-classpath.txt")"

rm -rf "$WORK" && mkdir -p "$WORK"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
KAFKA_PORT=$(free_port); CONTROLLER_PORT=$(free_port); GATEWAY_PORT=$(free_port)
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

await_line() { # file pattern seconds
  for _ in $(seq 1 "$3"); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 1; done
  echo "timed out waiting for '$2' in $1" >&2; tail -20 "$1" >&2; exit 1
}

echo "== starting the broker on $BOOTSTRAP"
java -Xmx1g -cp "$CP" dev.telemetry.kafka.local.LocalKafkaMain --data-dir "$WORK/kafka" \
  --port "$KAFKA_PORT" --controller-port "$CONTROLLER_PORT" --partitions 3 >"$WORK/broker.log" 2>&1 &
BROKER_PID=$!
PIDS+=("$BROKER_PID")
await_line "$WORK/broker.log" "Kafka broker ready" 120

ENVELOPE_BYTES=$(java -cp "$CP" dev.telemetry.benchmarks.gateway.GatewayPayloads "$WORK")
# The gateway's shipped producer settings (gateway.yaml), so the two differ only in what the gateway adds.
PRODUCER_PROPS="bootstrap.servers=$BOOTSTRAP acks=all enable.idempotence=true linger.ms=1 batch.size=262144 compression.type=lz4 buffer.memory=33554432"

echo "== 1/5 baseline: ProducerPerformance, $RECORDS envelopes of ~$ENVELOPE_BYTES bytes"
# shellcheck disable=SC2086
java -Xmx512m -cp "$CP" org.apache.kafka.tools.ProducerPerformance --topic telemetry.metrics \
  --num-records "$RECORDS" --throughput -1 --payload-file "$WORK/baseline-payloads.txt" \
  --producer-props $PRODUCER_PROPS >"$WORK/baseline.log" 2>&1
BASELINE=$(grep "records sent" "$WORK/baseline.log" | tail -1 | sed -E 's/.*records sent, ([0-9.]+) records\/sec.*/\1/')
echo "   $(grep 'records sent' "$WORK/baseline.log" | tail -1)"

records_per_sec() { grep "records sent" "$1" | tail -1 | sed -E 's/.*records sent, ([0-9.]+) records\/sec.*/\1/'; }
if [ "$VITALS" = 1 ]; then
  VITAL_SIZES=$(java -cp "$CP" dev.telemetry.benchmarks.gateway.VitalsPayloads "$WORK")
  echo "   vitals: $VITAL_SIZES (bytes)"
  for kind in plain attribution; do
    echo "== 1v baseline: ProducerPerformance, $RECORDS envelopes of $kind vitals"
    # shellcheck disable=SC2086
    java -Xmx512m -cp "$CP" org.apache.kafka.tools.ProducerPerformance --topic telemetry.vitals \
      --num-records "$RECORDS" --throughput -1 --payload-file "$WORK/vitals-$kind-payloads.txt" \
      --producer-props $PRODUCER_PROPS >"$WORK/baseline-vitals-$kind.log" 2>&1
    echo "   $(grep 'records sent' "$WORK/baseline-vitals-$kind.log" | tail -1)"
  done
  VITALS_BASELINE_PLAIN=$(records_per_sec "$WORK/baseline-vitals-plain.log")
  VITALS_BASELINE_ATTRIBUTION=$(records_per_sec "$WORK/baseline-vitals-attribution.log")
fi

cat >"$WORK/gateway.yaml" <<YAML
http: {host: 127.0.0.1, port: $GATEWAY_PORT, access-log: false}
kafka: {bootstrap-servers: "$BOOTSTRAP"}
keys: [{key: bench-key, app: bench}]
rate-limits: {per-key: {rate: 100000000, burst: 100000000}, per-ip: {rate: 100000000, burst: 100000000}, per-key-events: {rate: 1000000000, burst: 1000000000}}
YAML
echo "== starting the gateway (-Xmx256m) on port $GATEWAY_PORT"
# As deployed: the gateway's own jar and its lib/ (the benchmarks classpath mixes in Kafka's Jetty).
java -Xmx256m -jar "$ROOT/ingest-gateway/target/ingest-gateway.jar" --config "$WORK/gateway.yaml" >"$WORK/gateway.log" 2>&1 &
GATEWAY_PID=$!
PIDS+=("$GATEWAY_PID")
await_line "$WORK/gateway.log" "ingest gateway listening" 60

# Used heap (all heap pools) every second while the load runs; the maximum is reported.
(
  while kill -0 "$GATEWAY_PID" 2>/dev/null; do
    curl -s "http://127.0.0.1:$GATEWAY_PORT/metrics" \
      | awk '/^jvm_memory_used_bytes\{.*area="heap"/ {sum += $NF} END {if (sum > 0) printf "%.0f\n", sum}' >>"$WORK/heap.txt" || true
    sleep 1
  done
) &
PIDS+=($!)

cat >"$WORK/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Telemetry-Key"] = "bench-key"
local f = assert(io.open(os.getenv("BODY_FILE"), "r"))
wrk.body = f:read("*a")
f:close()
function done(summary, latency, requests)
  local non2xx = summary.errors.status
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d seconds=%.3f rps=%.1f non2xx=%d socket_errors=%d p50ms=%.2f p99ms=%.2f\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6), non2xx, errors,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
LUA

# CPU time (user + system) a process used so far, in microseconds (utime and stime are in clock ticks).
TICK_US=$((1000000 / $(getconf CLK_TCK)))
cpu_us() { awk -v t="$TICK_US" '{print ($14 + $15) * t}' "/proc/$1/stat"; }
run_wrk() { # name path body connections -> the wrk RESULT line plus gateway_us= and broker_us= per request
  BODY_FILE="$3" wrk -t"$WRK_THREADS" -c"$4" -d"${WARMUP}s" -s "$WORK/post.lua" "http://127.0.0.1:$GATEWAY_PORT$2" >/dev/null
  local g0 b0 g1 b1 n
  g0=$(cpu_us "$GATEWAY_PID"); b0=$(cpu_us "$BROKER_PID")
  BODY_FILE="$3" wrk -t"$WRK_THREADS" -c"$4" -d"${DURATION}s" --timeout 10s -s "$WORK/post.lua" "http://127.0.0.1:$GATEWAY_PORT$2" >"$WORK/$1.log"
  g1=$(cpu_us "$GATEWAY_PID"); b1=$(cpu_us "$BROKER_PID")
  n=$(grep '^RESULT' "$WORK/$1.log" | tr ' ' '\n' | grep '^requests=' | cut -d= -f2)
  echo "$(grep '^RESULT' "$WORK/$1.log") gateway_us=$(( (g1 - g0) / n )) broker_us=$(( (b1 - b0) / n ))"
}
field() { echo "$1" | tr ' ' '\n' | grep "^$2=" | cut -d= -f2; }

echo "== 2/5 gateway, batched: 100 events per request, $BATCH_CONNECTIONS connections, ${DURATION}s"
BATCHED=$(run_wrk batched /api/metrics "$WORK/batch.json" "$BATCH_CONNECTIONS"); echo "   $BATCHED"
if [ "$VITALS" = 1 ]; then
  for kind in plain attribution client; do
    # One request first: a 2xx is not enough, the gateway must accept all 100 vitals and reject none.
    curl -s -X POST -H 'Content-Type: application/json' -H 'X-Telemetry-Key: bench-key' \
      --data-binary "@$WORK/vitals-$kind.json" "http://127.0.0.1:$GATEWAY_PORT/api/analytics/vitals" >"$WORK/vitals-$kind.response"
    python3 - "$WORK/vitals-$kind.response" "$kind" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
if r.get("accepted") != 100 or r.get("rejected"):
    sys.exit(f"the gateway did not accept all 100 {sys.argv[2]} vitals: accepted={r.get('accepted')} rejected={r.get('rejected')}")
PY
  done
  echo "== 2v/5 gateway, 100 plain web vitals per request (POST /api/analytics/vitals), $BATCH_CONNECTIONS connections, ${DURATION}s"
  VITALS_PLAIN=$(run_wrk vitals-plain /api/analytics/vitals "$WORK/vitals-plain.json" "$BATCH_CONNECTIONS"); echo "   $VITALS_PLAIN"
  echo "== 2a/5 gateway, 100 attribution-bearing web vitals per request, $BATCH_CONNECTIONS connections, ${DURATION}s"
  VITALS_ATTRIBUTION=$(run_wrk vitals-attribution /api/analytics/vitals "$WORK/vitals-attribution.json" "$BATCH_CONNECTIONS")
  echo "   $VITALS_ATTRIBUTION"
  echo "== 2c/5 gateway, the same 100 vitals as clients/browser sends them (attribution's plain fields only), $BATCH_CONNECTIONS connections, ${DURATION}s"
  VITALS_CLIENT=$(run_wrk vitals-client /api/analytics/vitals "$WORK/vitals-client.json" "$BATCH_CONNECTIONS")
  echo "   $VITALS_CLIENT"
fi
echo "== 3/5 gateway, single event per request, $CONNECTIONS connections, ${DURATION}s"
SINGLE=$(run_wrk single /api/metrics "$WORK/single.json" "$CONNECTIONS"); echo "   $SINGLE"
echo "== 4/5 gateway, trivial endpoint POST /api/ping, $CONNECTIONS connections, ${DURATION}s"
TRIVIAL=$(run_wrk trivial /api/ping "$WORK/single.json" "$CONNECTIONS"); echo "   $TRIVIAL"

# Kafka's own client at the single-event phase's record rate, same settings, same broker: its CPU per
# record is what the Kafka part of a single-event request costs before any gateway code runs.
PACED_RATE=$(awk -v r="$(field "$SINGLE" rps)" 'BEGIN {printf "%.0f", r}')
echo "== 5/5 baseline at the single-event rate: ProducerPerformance throttled to $PACED_RATE records/s, ${DURATION}s measured"
# shellcheck disable=SC2086
java -Xmx512m -cp "$CP" org.apache.kafka.tools.ProducerPerformance --topic telemetry.metrics \
  --num-records $((PACED_RATE * (WARMUP + DURATION + 5))) --throughput "$PACED_RATE" \
  --payload-file "$WORK/baseline-payloads.txt" --producer-props $PRODUCER_PROPS >"$WORK/paced.log" 2>&1 &
PACED_PID=$!
PIDS+=("$PACED_PID")
sleep "$WARMUP"
p0=$(cpu_us "$PACED_PID"); b0=$(cpu_us "$BROKER_PID")
sleep "$DURATION"
p1=$(cpu_us "$PACED_PID"); b1=$(cpu_us "$BROKER_PID")
wait "$PACED_PID"
PACED_US=$(( (p1 - p0) / (PACED_RATE * DURATION) )); PACED_BROKER_US=$(( (b1 - b0) / (PACED_RATE * DURATION) ))
echo "   $(grep 'records sent' "$WORK/paced.log" | tail -1)"
echo "   producer_us=$PACED_US broker_us=$PACED_BROKER_US per record"

if [ "$VITALS" = 1 ]; then
  export VITAL_SIZES VITALS_BASELINE_PLAIN VITALS_BASELINE_ATTRIBUTION VITALS_PLAIN VITALS_ATTRIBUTION VITALS_CLIENT
fi
HEAP_MAX_MB=$(sort -n "$WORK/heap.txt" | tail -1 | awk '{printf "%.0f", $1 / 1048576}')
BATCHED_EPS=$(awk -v r="$(field "$BATCHED" rps)" 'BEGIN {printf "%.0f", r * 100}')
python3 - "$BASELINE" "$BATCHED_EPS" "$(field "$SINGLE" rps)" "$(field "$TRIVIAL" rps)" "$HEAP_MAX_MB" \
  "$(field "$SINGLE" p50ms)" "$(field "$SINGLE" p99ms)" "$(field "$BATCHED" non2xx)" "$(field "$SINGLE" non2xx)" \
  "$(field "$TRIVIAL" non2xx)" "$ENVELOPE_BYTES" \
  "$(field "$SINGLE" gateway_us)" "$(field "$SINGLE" broker_us)" "$(field "$TRIVIAL" gateway_us)" \
  "$PACED_RATE" "$PACED_US" "$PACED_BROKER_US" <<'PY' | tee "$WORK/summary.md"
import os, sys
(baseline, batched, single, trivial, heap, p50, p99, nb, ns, nt, size,
 single_us, single_broker_us, trivial_us, paced_rate, paced_us, paced_broker_us) = sys.argv[1:]
baseline, batched, single, trivial, heap = float(baseline), float(batched), float(single), float(trivial), float(heap)
r1, r2 = batched / baseline, single / trivial
ok = lambda c: "met" if c else "NOT met"
print()
print("| measurement | result | target | |")
print("| --- | --- | --- | --- |")
print(f"| ProducerPerformance baseline ({size}-byte envelopes) | {baseline:,.0f} events/s | | |")
print(f"| gateway, 100 events/request | {batched:,.0f} events/s | ≥ 0.7 × baseline | {r1:.2f} × — {ok(r1 >= 0.7)} |")
print(f"| gateway, 1 event/request | {single:,.0f} req/s, p50 {p50} ms, p99 {p99} ms | ≥ 0.6 × trivial | {r2:.2f} × — {ok(r2 >= 0.6)} |")
print(f"| trivial endpoint, same server | {trivial:,.0f} req/s | (HTTP ceiling) | |")
print(f"| gateway heap, max used at load (-Xmx256m) | {heap:.0f} MB | < 256 MB | {ok(heap < 256)} |")
print(f"| non-2xx responses (batched / single / trivial) | {nb} / {ns} / {nt} | 0 | {ok(nb == ns == nt == '0')} |")
print()
print("CPU per request, measured seconds only (µs; gateway and broker processes, from /proc):")
print()
print("| | gateway | broker |")
print("| --- | ---: | ---: |")
print(f"| trivial endpoint | {trivial_us} | |")
print(f"| 1 event/request | {single_us} | {single_broker_us} |")
print(f"| difference: what a single-event request adds to the HTTP ceiling | {int(single_us) - int(trivial_us)} | {single_broker_us} |")
print(f"| ProducerPerformance throttled to {int(paced_rate):,} records/s (Kafka's own client, per record) | {paced_us} | {paced_broker_us} |")
if os.environ.get("VITALS_PLAIN"):
    field = lambda line, name: next(f.split("=", 1)[1] for f in line.split() if f.startswith(name + "="))
    sizes = dict(f.split("=") for f in os.environ["VITAL_SIZES"].split())
    plain, attr, client = os.environ["VITALS_PLAIN"], os.environ["VITALS_ATTRIBUTION"], os.environ["VITALS_CLIENT"]
    pe, ae, ce = float(field(plain, "rps")) * 100, float(field(attr, "rps")) * 100, float(field(client, "rps")) * 100
    bp, ba = float(os.environ["VITALS_BASELINE_PLAIN"]), float(os.environ["VITALS_BASELINE_ATTRIBUTION"])
    np_, na, nc = field(plain, "non2xx"), field(attr, "non2xx"), field(client, "non2xx")
    sp, sa, sc = field(plain, "socket_errors"), field(attr, "socket_errors"), field(client, "socket_errors")
    print()
    print("Web vitals with attribution (issue 19), POST /api/analytics/vitals, 100 vitals a request:")
    print()
    print("| measurement | events/s | / baseline | / ProducerPerformance, same envelopes | gateway CPU µs/request | non-2xx |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    print(f"| gateway, 100 metrics/request (2 above) | {batched:,.0f} | {r1:.2f} | | | {nb} |")
    print(f"| gateway, 100 plain vitals/request ({sizes['plain_body']}-byte body, {sizes['plain_envelope']}-byte envelopes) "
          f"| {pe:,.0f} | {pe / baseline:.2f} | {pe / bp:.2f} ({bp:,.0f}/s) | {field(plain, 'gateway_us')} | {np_} |")
    print(f"| gateway, 100 attribution vitals/request ({sizes['attribution_body']}-byte body, {sizes['attribution_envelope']}-byte envelopes) "
          f"| {ae:,.0f} | {ae / baseline:.2f} | {ae / ba:.2f} ({ba:,.0f}/s) | {field(attr, 'gateway_us')} | {na} |")
    print(f"| gateway, the same 100 vitals as clients/browser sends them ({sizes['client_body']}-byte body, same envelopes) "
          f"| {ce:,.0f} | {ce / baseline:.2f} | {ce / ba:.2f} ({ba:,.0f}/s) | {field(client, 'gateway_us')} | {nc} |")
    print()
    print(f"attribution / plain: {ae / pe:.2f} events/s; ratio to the baseline {ae / baseline:.2f} against {pe / baseline:.2f}"
          f" ({(1 - ae / pe) * 100:+.0f} % drop{', more than 10 %: needs a reason' if ae / pe < 0.9 else ''})")
    print(f"browser client's attribution / plain: {ce / pe:.2f} events/s ({(1 - ce / pe) * 100:+.0f} % drop"
          f"{', more than 10 %: needs a reason' if ce / pe < 0.9 else ''})")
    ok2xx = np_ == na == nc == "0" and sp == sa == sc == "0"
    print(f"non-2xx responses / socket errors (plain, attribution, browser client): {np_} / {sp}, {na} / {sa}, {nc} / {sc}"
          f" — {ok(ok2xx)}")
PY
echo
echo "logs and inputs: $WORK"
