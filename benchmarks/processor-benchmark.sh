#!/usr/bin/env bash
# Stream processor throughput vs a plain consumer parsing the same JSON from the same topics, in one run on
# one local broker, in steady state (a warm-up share of the events is read first and not timed).
# Usage: benchmarks/processor-benchmark.sh [events (6000000)] [partitions (3)] [commit-interval (1s)]
#          [--mix metrics|requests|slo|vitals-attribution] [--warmup N] [--threads N] [--rounds N]
# Prints both rates, CPU per event and their ratio (docs/performance.md, "Stream processor").
# --mix vitals-attribution (issue 19): plain and attribution-bearing web vitals (same count, apps, pages), each read
# by the plain consumer and the topology, --rounds rounds (default 2) in alternating order; prints both rates, their
# ratios to the plain consumer and attribution / plain (docs/performance.md, "Web vitals with attribution").
# MVN_FLAGS=-o for an offline build; BENCH_OPTS for JVM options (e.g. a JFR recording);
# PROCESSOR_BENCH_PROGRESS=1 for progress on stderr.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck disable=SC2086
mvn -B -q -ntp ${MVN_FLAGS:-} -DskipTests -pl benchmarks -am package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >&2
exec java -Xmx1g ${BENCH_OPTS:-} -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  dev.telemetry.benchmarks.processor.ProcessorBenchmark "$@"
