#!/usr/bin/env bash
# The stream processor with ten SLOs configured against none (issue 16), in one run on one local broker: the same
# workload (request logs and metrics the SLOs count) through the production topology once per configuration, after
# a warm-up pass of each. Usage:
#   benchmarks/slo-benchmark.sh [--events N] [--min-seconds 40] [--warmup 50000] [--partitions 3] [--rounds 2]
#                               [--commit-interval 1s]
#   Without --events the timed workload is sized from the warm-up so that each timed pass lasts >= --min-seconds.
# Prints both rates and their ratio, target >= 0.9 (docs/performance.md, "Ten SLOs against none").
# MVN_FLAGS=-o for an offline build; SLO_BENCH_PROGRESS=1 for progress on stderr; BENCH_JAVA_OPTS (-Xmx1g).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -B -q -ntp ${MVN_FLAGS:-} -DskipTests -pl benchmarks -am package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >&2
exec java ${BENCH_JAVA_OPTS:--Xmx1g} -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  dev.telemetry.benchmarks.processor.SloBenchmark "$@"
