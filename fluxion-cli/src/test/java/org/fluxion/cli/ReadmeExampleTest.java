package org.fluxion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/** Compiles and runs the Java example of the README, so that the documented API cannot rot. */
class ReadmeExampleTest {
    /** Every ```java block of the README compiles, runs, and its last line prints what its comment says. */
    @Test
    void readmeExamplesCompileRunAndPrintWhatTheyClaim() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        int blocks = 0;
        while (m.find()) {
            runExample("ReadmeExample" + blocks++, m.group(1));
        }
        assertTrue(blocks >= 2, "README.md has its java examples");
    }

    private static void runExample(String className, String code) throws Exception {
        StringBuilder imports = new StringBuilder();
        StringBuilder body = new StringBuilder();
        String claim = null;
        Matcher prints = Pattern.compile("// prints (.*)$").matcher("");
        for (String line : code.split("\n")) {
            (line.startsWith("import ") ? imports : body).append(line).append('\n');
            if (prints.reset(line).find()) {
                claim = prints.group(1).trim();
            }
        }
        assertTrue(claim != null, className + ": the example's last output line says what it prints");
        String source = imports + "public class " + className + " { public static void main(String[] args) {\n"
                + body + "}}\n";
        Path dir = Files.createTempDirectory("readme");
        Path file = dir.resolve(className + ".java");
        Files.writeString(file, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int rc = javac.run(null, null, errors, "--add-modules", "jdk.incubator.vector", "-proc:none",
                "-cp", System.getProperty("java.class.path"), "-d", dir.toString(), file.toString());
        assertEquals(0, rc, "README example does not compile:\n" + errors + "\n" + source);

        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, ReadmeExampleTest.class.getClassLoader())) {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            loader.loadClass(className).getMethod("main", String[].class).invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(original);
        }
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(claim, lines.get(lines.size() - 1), className + ": the README says the last line prints " + claim);
    }
}
