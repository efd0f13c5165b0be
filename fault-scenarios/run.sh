#!/usr/bin/env bash
# Runs one fault scenario against real services, each in its own JVM, and prints what reached telemetry.summaries.
# Usage: fault-scenarios/run.sh <broker-outage|processor-partition|processor-restart> [--at 15s] [--outage 6s]
#          [--load 45s] [--windows 10s/2s] [--clients 4] [--batch 100] [--from-jars] [--build] ...
# Exit code: 0 when every acknowledged event is in telemetry.metrics and summarised exactly once, 1 otherwise.
# --build rebuilds the jars first (they are built anyway when missing); see fault-scenarios/README.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build=false
args=()
for arg in "$@"; do
  if [[ $arg == --build ]]; then build=true; else args+=("$arg"); fi
done
for jar in local-kafka ingest-gateway stream-processor fault-scenarios; do
  [[ -f $jar/target/$jar.jar ]] || build=true
done
if $build; then
  mvn -B -q -ntp -DskipTests -pl fault-scenarios -am install >&2
fi
exec java -Xmx4g -jar fault-scenarios/target/fault-scenarios.jar "${args[@]}"
