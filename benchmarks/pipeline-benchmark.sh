#!/usr/bin/env bash
# The whole pipeline as deployed: the broker, the gateway and the processor, each its own JVM started from its jar
# (local-kafka/target/local-kafka.jar, ingest-gateway/target/ingest-gateway.jar, stream-processor/target/stream-processor.jar),
# driven over HTTP (batches of the seed's sendMetric bodies) at increasing rates. Reports the highest rate absorbed for a
# whole step with bounded processor lag, the latency from window end to summary on telemetry.summaries (p50, p99) at
# half that rate, CPU per event of each service, and, in the same run, the processor alone (pre-filled topic) and the
# gateway alone (no processor). See docs/performance.md, "Pipeline".
#
# Usage: benchmarks/pipeline-benchmark.sh [--rates 5000,10000,...] [--step 2m] [--warmup 60s] [--windows 10s/2s] ...
#        (--help lists every option). MVN_FLAGS=-o for an offline build; BENCH_OPTS for the harness JVM's options.
# Builds with `mvn package` (nothing is installed); the services run from this checkout's target/ jars.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck disable=SC2086
mvn -B -q -ntp ${MVN_FLAGS:-} -DskipTests -pl benchmarks -am package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >&2
echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (uncommitted changes)'), $(date -u '+%Y-%m-%d %H:%M UTC')"
# shellcheck disable=SC2086
exec java -Xmx1g -Dclk.tck="$(getconf CLK_TCK)" ${BENCH_OPTS:-} \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  dev.telemetry.benchmarks.pipeline.PipelineBenchmark --repo . "$@"
