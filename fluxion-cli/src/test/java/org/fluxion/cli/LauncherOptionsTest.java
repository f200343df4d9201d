package org.fluxion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The JVM options of the {@code fluxion} launcher script ({@code heap_options} and {@code jit_options}) start the
 * JVM running these tests: a misspelt or removed option would stop every command of the launcher, which no other
 * test runs.
 */
class LauncherOptionsTest {
    private static final Pattern ARRAY = Pattern.compile("(?m)^(heap_options|jit_options)=\\(([^)]*)\\)");

    /** The words of the launcher's option arrays. */
    static List<String> launcherOptions(String script) {
        List<String> options = new ArrayList<>();
        Matcher m = ARRAY.matcher(script);
        while (m.find()) {
            for (String word : m.group(2).trim().split("\\s+")) {
                options.add(word);
            }
        }
        return options;
    }

    /** Runs {@code java OPTIONS -version} with this JVM's launcher; returns its exit code and output. */
    private static String[] javaVersion(List<String> options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(options);
        command.add("-version");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new String[] {Integer.toString(p.waitFor()), out};
    }

    @Test
    void theLauncherOptionsStartTheJvm() throws IOException, InterruptedException {
        List<String> options = launcherOptions(Files.readString(Path.of("..", "fluxion"), StandardCharsets.UTF_8));
        assertTrue(options.contains("-XX:+UseG1GC") && options.contains("-XX:TrimNativeHeapInterval=1000"),
                "both arrays read: " + options);
        String[] run = javaVersion(options);
        assertEquals("0", run[0], run[1]);
        assertFalse(run[1].contains("Unrecognized") || run[1].contains("Error"), run[1]);
    }

    @Test
    void aMisspeltOptionIsCaught() throws IOException, InterruptedException {
        List<String> options = launcherOptions("heap_options=(-XX:+UseG1GC\n  -XX:NoSuchOption=1)\n");
        assertEquals(List.of("-XX:+UseG1GC", "-XX:NoSuchOption=1"), options);
        assertFalse(javaVersion(options)[0].equals("0"));
    }
}
