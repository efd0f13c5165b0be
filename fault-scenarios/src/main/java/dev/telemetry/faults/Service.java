package dev.telemetry.faults;

import dev.telemetry.gateway.GatewayMain;
import dev.telemetry.kafka.local.LocalKafkaMain;
import dev.telemetry.processor.ProcessorMain;
import java.nio.file.Path;

/** The services a scenario runs, each in its own JVM: where its deployed jar is and which class it starts. */
public enum Service {
    BROKER("local-kafka", LocalKafkaMain.class),
    GATEWAY("ingest-gateway", GatewayMain.class),
    PROCESSOR("stream-processor", ProcessorMain.class);

    private final String module;
    private final Class<?> mainClass;

    Service(String module, Class<?> mainClass) {
        this.module = module;
        this.mainClass = mainClass;
    }

    /** {@code <repo>/<module>/target/<module>.jar}, as {@code mvn install} builds it (its libraries in target/lib). */
    public Path jar(Path repo) {
        return repo.resolve(module).resolve("target").resolve(module + ".jar");
    }

    public String mainClass() {
        return mainClass.getName();
    }

    public String displayName() {
        return module;
    }
}
