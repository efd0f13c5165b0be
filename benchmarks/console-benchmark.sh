#!/usr/bin/env bash
# The console's speed and memory against the issue's targets, in one run (docs/performance.md, "Console"):
#   1. heap of the console as deployed (java -Xmx256m -jar console/target/console.jar, shipped caps) following the
#      demo's traffic, with every cap full (produced to the topics), and rebuilt from those topics by a fresh console
#   2. GET /api/series answering 1 000 series x 360 windows over loopback HTTP, steady state (median, p95, p99, size)
#   3. first paint of every view linked from the start page in Debian's headless Chromium (chromium, chromium-driver)
# Builds through the reactor (mvn package, nothing installed) and prints a table with the ratios against the targets;
# logs and summary.md end up in benchmarks/target/console-benchmark/.
# Usage: benchmarks/console-benchmark.sh      MVN_FLAGS=-o for an offline build; knobs as -D options in BENCH_OPTS:
#   -Ddemo=120 -Dwarmup=45 -Drequests=100 -Dloads=5 -Dheap=256m -DperMetric=1000 -Dwindows=360 -Drecords=10000
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
for tool in /usr/bin/chromium /usr/bin/chromedriver; do
  [ -x "$tool" ] || { echo "$tool is missing: apt-get install -y chromium chromium-driver" >&2; exit 1; }
done
command -v jcmd >/dev/null || { echo "jcmd is missing: a JDK (not a JRE) is needed" >&2; exit 1; }
echo "== building (mvn package, no tests, nothing installed)" >&2
# shellcheck disable=SC2086
mvn -B -q -ntp ${MVN_FLAGS:-} -DskipTests -pl benchmarks -am package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >&2
# shellcheck disable=SC2086
exec java -Xmx1g ${BENCH_OPTS:-} -Dlogback.configurationFile=local-stack/src/main/resources/demo/logback.xml \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" dev.telemetry.benchmarks.console.ConsoleBenchmark
