#!/usr/bin/env bash
# Rule lab backtest throughput vs the live stream processor on the same events, in one run on one local broker.
# Usage: benchmarks/backtest-benchmark.sh [events] [partitions] [min-seconds]
# Defaults: 9 600 000 events (the live run needs them to reach steady state), 3 partitions, 30 s of backtest passes.
# Prints both rates, their ratio and each one's CPU time per event (docs/performance.md, "Rule lab backtest";
# the issue's target, backtest >= 2x live, is not met). Needs ~4 GB of free disk in the temporary directory.
# MVN_FLAGS=-o for an offline build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck disable=SC2086
mvn -B -q -ntp ${MVN_FLAGS:-} -DskipTests -pl benchmarks -am package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >&2
exec java -Xmx1g -Dlogback.configurationFile=rule-lab-logback.xml -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  dev.telemetry.benchmarks.rulelab.BacktestBenchmark "$@"
