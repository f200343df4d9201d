package org.fluxion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM options of the {@code fluxion} launcher script ({@code heap_options} and {@code jit_options}, with its
 * compile-command file) start the JVM running these tests: a misspelt or removed option would stop every command
 * of the launcher, or be ignored with a warning, and no other test runs the launcher's options.
 */
class LauncherOptionsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path COMMANDS = ROOT.resolve("fluxion-cli").resolve("compile-commands.txt");
    private static final Pattern ARRAY = Pattern.compile("(?m)^(heap_options|jit_options)=\\(([^)]*)\\)");

    /** The words of the launcher's option arrays, {@code $root} made the repository's directory. */
    static List<String> launcherOptions(String script) {
        List<String> options = new ArrayList<>();
        Matcher m = ARRAY.matcher(script);
        while (m.find()) {
            for (String word : m.group(2).trim().split("\\s+")) {
                options.add(word.replace("\"", "").replace("$root", ROOT.toString()));
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

    /**
     * Null when a JVM started with these options exits 0 and says nothing wrong (a bad compile command only
     * warns), else its exit code and output.
     */
    private static String trouble(List<String> options) throws IOException, InterruptedException {
        String[] run = javaVersion(options);
        boolean clean = run[0].equals("0") && !run[1].contains("Unrecognized") && !run[1].contains("Error")
                && !run[1].contains("error");
        return clean ? null : "exit " + run[0] + ": " + run[1];
    }

    @Test
    void theLauncherOptionsStartTheJvm() throws IOException, InterruptedException {
        List<String> options = launcherOptions(Files.readString(ROOT.resolve("fluxion"), StandardCharsets.UTF_8));
        assertTrue(options.contains("-XX:+UseG1GC") && options.contains("-XX:CompileCommandFile=" + COMMANDS),
                "both arrays read: " + options);
        String trouble = trouble(options);
        assertNull(trouble, String.join(" ", options) + "\n" + trouble);
    }

    @Test
    void aMisspeltOptionOrCompileCommandIsCaught(@TempDir Path dir) throws IOException, InterruptedException {
        List<String> options = launcherOptions("heap_options=(-XX:+UseG1GC\n  -XX:NoSuchOption=1)\n");
        assertEquals(List.of("-XX:+UseG1GC", "-XX:NoSuchOption=1"), options);
        assertNotNull(trouble(options));
        Path bad = Files.writeString(dir.resolve("commands.txt"), "quiet\nBackgroundCompilaton,a.B::*,false\n");
        assertNotNull(trouble(List.of("-XX:CompileCommandFile=" + bad)));
    }

    /**
     * Every class that uses the Vector API compiles in the foreground (see compile-commands.txt): a vector kernel
     * left out would run boxed, allocating, until C2's queue reaches it.
     */
    @Test
    void everyVectorApiClassIsListed() throws IOException {
        Set<String> vectorClasses = new TreeSet<>();
        for (String module : List.of("fluxion-core", "fluxion-nn")) {
            Path src = ROOT.resolve(module).resolve("src/main/java");
            try (Stream<Path> files = Files.walk(src)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    if (Files.readString(f).contains("import jdk.incubator.vector.")) {
                        String name = src.relativize(f).toString().replace('/', '.');
                        vectorClasses.add(name.substring(0, name.length() - ".java".length()));
                    }
                }
            }
        }
        assertTrue(vectorClasses.contains("org.fluxion.kernels.SgemmMicroKernel"), vectorClasses.toString());
        Set<String> listed = new TreeSet<>();
        for (String line : Files.readAllLines(COMMANDS)) {
            if (line.startsWith("BackgroundCompilation,") && !line.contains("GeneratedKernel*")) {
                assertTrue(line.endsWith("::*,false"), line);
                listed.add(line.substring("BackgroundCompilation,".length(), line.indexOf("::")));
            }
        }
        assertEquals(vectorClasses, listed, "compile-commands.txt's foreground classes");
    }
}
