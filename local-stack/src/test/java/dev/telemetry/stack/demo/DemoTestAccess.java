package dev.telemetry.stack.demo;

import dev.telemetry.stack.LocalStack;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Lets tests in other packages build the demo's stack options (DemoMain keeps them package-private). */
public final class DemoTestAccess {

    private DemoTestAccess() {
    }

    /**
     * The demo's options with accelerated windows; {@code processor} is laid over the demo's window settings
     * (its windows close-check every 200 ms so a test sees a window soon after it ends).
     */
    public static LocalStack.Options acceleratedOptions(Path dir, int kafkaPort, int controllerPort, Map<String, Object> gateway,
                                                        Map<String, Object> processor, Map<String, Object> sink,
                                                        Map<String, Object> prober, Map<String, Object> console) {
        DemoPace pace = DemoPace.accelerated();
        Map<String, Object> processorAll = new LinkedHashMap<>(Map.of("windows", Map.of("size", DemoConfigs.duration(pace.window()),
                "grace", DemoConfigs.duration(pace.grace()), "close-check-interval", "200ms")));
        processorAll.putAll(processor);
        return DemoMain.options(dir, pace, kafkaPort, controllerPort, gateway, processorAll, sink, prober, console);
    }
}
