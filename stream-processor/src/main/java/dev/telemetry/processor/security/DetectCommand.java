package dev.telemetry.processor.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code ./telemetry detect}: reads lines on stdin and prints one JSON verdict per line,
 * {@code {"input":...,"attack":true|false,"class":"sqli"|"xss"|null}}.
 */
public final class DetectCommand {

    private DetectCommand() {
    }

    public static void main(String[] args) throws IOException {
        InjectionDetector detector = new InjectionDetector();
        ObjectMapper json = new ObjectMapper();
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(json.writeValueAsString(verdict(detector, line)));
            }
        }
        out.flush();
    }

    static Map<String, Object> verdict(InjectionDetector detector, String line) {
        Verdict verdict = detector.inspect(line);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("input", line);
        result.put("attack", verdict.attack());
        result.put("class", verdict.attack() ? verdict.attackClass().wireName() : null);
        return result;
    }
}
