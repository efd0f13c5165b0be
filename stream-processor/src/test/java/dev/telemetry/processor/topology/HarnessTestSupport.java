package dev.telemetry.processor.topology;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gives each test a fresh topology (shipped detection settings, no alert rules) and closes it
 * afterwards; a test that needs other settings closes {@link #harness} and assigns its own.
 */
abstract class HarnessTestSupport {

    @TempDir
    Path stateDir;

    TopologyHarness harness;

    @BeforeEach
    void startHarness() {
        harness = new TopologyHarness(stateDir, List.of());
    }

    @AfterEach
    void stopHarness() {
        harness.close();
    }
}
