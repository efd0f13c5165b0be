package dev.telemetry.stack.console;

import dev.telemetry.stack.LocalStack;
import dev.telemetry.stack.demo.DemoTestAccess;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The whole pipeline for a console test: a real broker, gateway, processor, sink and console on free ports, with
 * the demo's 10-second windows (accelerated) and its rules, and a unique application and group id. Extra settings
 * per service are laid over the demo's files (e.g. the sink's admin token, a webhook receiver).
 */
public final class ConsoleStack {

    private ConsoleStack() {
    }

    public static LocalStack start(Path dir, Map<String, Object> processor, Map<String, Object> sink,
                                   Map<String, Object> console) throws IOException {
        Map<String, Object> anyPort = Map.of("host", "127.0.0.1", "port", 0);
        Map<String, Object> processorAll = new LinkedHashMap<>(Map.of("http", anyPort,
                "application-id", "console-test-" + UUID.randomUUID(), "commit-interval", "200ms"));
        processorAll.putAll(processor);
        Map<String, Object> sinkAll = new LinkedHashMap<>(Map.of("http", anyPort, "group-id", "console-test-sink-" + UUID.randomUUID()));
        sinkAll.putAll(sink);
        Map<String, Object> consoleAll = new LinkedHashMap<>(Map.of("http", anyPort));
        consoleAll.putAll(console);
        return LocalStack.start(DemoTestAccess.acceleratedOptions(dir, freePort(), freePort(), Map.of("http", anyPort),
                processorAll, sinkAll, Map.of("checks", List.of()), consoleAll));
    }

    public static String consoleUrl(LocalStack stack) {
        return "http://127.0.0.1:" + stack.console().port();
    }

    public static String gatewayUrl(LocalStack stack) {
        return "http://127.0.0.1:" + stack.gateway().port();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
