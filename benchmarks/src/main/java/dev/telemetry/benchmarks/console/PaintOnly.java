package dev.telemetry.benchmarks.console;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Only the first-paint part of the console benchmark, against a console that is already running (e.g. the one
 * {@code ./telemetry demo} starts): {@code java -cp ... PaintOnly http://localhost:8084 [loads]}. Prints one line a
 * view: the cold load, then the median of the next loads.
 */
public final class PaintOnly {

    private PaintOnly() {
    }

    public static void main(String[] args) throws Exception {
        String base = args.length > 0 ? args[0] : "http://localhost:8084";
        int loads = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path profile = Files.createTempDirectory("paint-only");
        try (PaintTimer timer = new PaintTimer(base, profile)) {
            System.out.println("view | cold FCP ms | cold settled ms | FCP median ms | settled median ms | settled max ms | loads");
            for (String view : timer.views()) {
                PaintTimer.ViewResult r = timer.measure(view, loads);
                System.out.println(String.format(Locale.ROOT, "%s | %.0f | %.0f | %.0f | %.0f | %.0f | %d", r.path(), r.coldFcpMs(),
                        r.coldReadyMs(), r.fcpMedianMs(), r.readyMedianMs(), r.readyMaxMs(), r.loads()));
            }
        }
    }
}
