#!/usr/bin/env bash
# Stream processor throughput vs a plain consumer parsing the same JSON from the same topic, in one run on
# one local broker. Usage: benchmarks/processor-benchmark.sh [events] [partitions] [commit-interval]
# Prints both rates and their ratio (docs/performance.md, "Stream processor"). MVN_FLAGS=-o for an offline build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck disable=SC2086
mvn -B -q -ntp ${MVN_FLAGS:-} -DskipTests -pl benchmarks -am package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >&2
exec java -Xmx1g -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  dev.telemetry.benchmarks.processor.ProcessorBenchmark "$@"
