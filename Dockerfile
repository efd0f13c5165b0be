# One image recipe for every service, built from the repository root; MODULE picks the service:
#   docker build --build-arg MODULE=stream-processor --target service -t telemetry/stream-processor .
#   docker build --build-arg MODULE=synthetic-prober --target prober -t telemetry/synthetic-prober .
#   docker build --build-arg MODULE=console --target service -t telemetry/console .
# docker-compose.yml builds all of them. The runnable jar reads its libraries from lib/ beside it.
# Always name the target: the classic builder builds every stage before it, and the services need
# no Chromium, so `service` comes before `prober`.

ARG MODULE=ingest-gateway

# ---- build: the module and what it depends on, with Maven (tests run in CI, not here) ----
FROM maven:3.9.9-eclipse-temurin-17 AS build
ARG MODULE
WORKDIR /src
COPY . .
# No BuildKit-only syntax (cache mounts): Debian's docker-compose 1.29 builds with the classic builder.
RUN mvn -B -ntp -q -DskipTests -pl "${MODULE}" -am package \
 && mkdir /out \
 && cp "${MODULE}/target/${MODULE}.jar" /out/service.jar \
 && cp -r "${MODULE}/target/lib" /out/lib

# ---- service: the gateway, processor, sink or console on a plain JRE ----
FROM eclipse-temurin:17-jre-jammy AS service
# /var/lib/telemetry: the processor's RocksDB state (a volume in docker-compose.yml inherits the owner).
RUN useradd --system --uid 10001 telemetry \
 && mkdir -p /var/lib/telemetry && chown telemetry /var/lib/telemetry
WORKDIR /app
COPY --from=build /out/ /app/
USER telemetry
# Container-aware heap: a fraction of the memory limit, not of the host.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=70 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "-jar", "/app/service.jar"]

# ---- prober: the JRE plus Debian's Chromium and ChromeDriver for the browser journeys ----
FROM debian:bookworm-slim AS prober
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless chromium chromium-driver ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --create-home telemetry
WORKDIR /app
COPY --from=build /out/ /app/
USER telemetry
# Container-aware heap: a fraction of the memory limit, not of the host; Chromium needs the rest.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=40 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "-jar", "/app/service.jar"]
