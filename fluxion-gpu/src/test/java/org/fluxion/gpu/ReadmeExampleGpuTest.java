package org.fluxion.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The module README's Java example compiles everywhere (where a compiler is present), and runs and prints
 * what its comment says where a GPU is. The README is {@code README.md} in the working directory, or the
 * file named by the system property {@code fluxion.gpu.readme} (the device script sets it).
 */
class ReadmeExampleGpuTest {
    @Test
    void readmeExampleCompilesAndRunsOnTheGpu() throws Exception {
        Path readme = Path.of(System.getProperty("fluxion.gpu.readme", "README.md"));
        Assumptions.assumeTrue(Files.exists(readme), () -> "README example not checked: no " + readme.toAbsolutePath());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        Assumptions.assumeTrue(javac != null, "README example not checked: this runtime has no Java compiler");
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(readme));
        assertTrue(m.find(), readme + " has a java example");
        StringBuilder imports = new StringBuilder();
        StringBuilder body = new StringBuilder();
        String claim = null;
        for (String line : m.group(1).split("\n")) {
            (line.startsWith("import ") ? imports : body).append(line).append('\n');
            Matcher p = Pattern.compile("// prints (.*)$").matcher(line);
            if (p.find()) {
                claim = p.group(1).trim();
            }
        }
        assertTrue(claim != null, "the example's last line says what it prints");
        Path dir = Files.createTempDirectory("gpu-readme");
        Path file = dir.resolve("GpuReadmeExample.java");
        Files.writeString(file, imports + "public class GpuReadmeExample { public static void main(String[] args) {\n"
                + body + "}}\n");
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int rc = javac.run(null, null, errors, "--add-modules", "jdk.incubator.vector", "-proc:none",
                "-cp", System.getProperty("java.class.path"), "-d", dir.toString(), file.toString());
        assertEquals(0, rc, "README example does not compile:\n" + errors);

        Gpu.device(); // skips the run without a GPU
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            loader.loadClass("GpuReadmeExample").getMethod("main", String[].class).invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(original);
        }
        String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertEquals(claim, lines[lines.length - 1].strip());
    }
}
