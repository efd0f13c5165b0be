#!/usr/bin/env bash
# The stream processor's heap, RSS and state under a flood of distinct metric names, against a baseline of 100
# names, with and without the cardinality caps, in one run on one local broker. The processor runs as deployed
# (java -Xmx512m -jar stream-processor/target/stream-processor.jar). Usage:
#   benchmarks/cardinality-benchmark.sh [names-per-window] [windows]      (default 100000 3)
# Prints a table (docs/performance.md, "Stream processor under a flood of names"). MVN_FLAGS=-o for an offline build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -B -q -ntp ${MVN_FLAGS:-} -DskipTests -pl benchmarks,stream-processor -am package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >&2
exec java -Xmx1g -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  dev.telemetry.benchmarks.processor.CardinalityBenchmark "$@"
