package org.fluxion.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What a project that depends on {@code fluxion-nn} gets on its classpath. Our own build cannot show it:
 * a dependency we declare with test scope (junit) wins over the same artifact reached transitively with
 * compile scope, so the leak is visible only from outside. The test therefore writes a consumer POM with
 * fluxion-nn's own third-party dependencies (exclusions included, versions from our parent) and asks
 * Maven, offline, for the consumer's compile and runtime classpath.
 */
class DependencyHygieneTest {
    /** Group ids of test libraries and of the vector-output libraries that only PNG-writing users avoid. */
    private static final List<String> FORBIDDEN = List.of(
            "org.junit", "junit", "org.hamcrest", "org.opentest4j", "org.mockito", "org.assertj",
            "org.apiguardian", "org.apache.pdfbox", "de.rototor.pdfbox", "de.erichseifert.vectorgraphics2d",
            "com.madgag");

    @Test
    void consumersGetNoTestOrUnusedLibraries(@TempDir Path dir) throws Exception {
        Path nnPom = Path.of("pom.xml").toAbsolutePath();
        Path parentPom = nnPom.getParent().getParent().resolve("pom.xml");
        String mvn = findOnPath("mvn");
        Assumptions.assumeTrue(mvn != null, "mvn is not on the PATH: the consumer's classpath cannot be resolved");

        // relative: Maven resolves <relativePath> against the consumer's directory, even an absolute one
        Files.writeString(dir.resolve("pom.xml"), consumerPom(nnPom, dir.relativize(parentPom)));
        Path out = dir.resolve("classpath.txt");
        Process p = new ProcessBuilder(mvn, "-o", "-q", "-B", "dependency:list", "-DincludeScope=runtime",
                "-DoutputFile=" + out, "-DexcludeTransitive=false")
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "mvn dependency:list did not finish");
        Assumptions.assumeTrue(p.exitValue() == 0 || !log.contains("offline"),
                "Maven could not resolve offline (the local repository lacks an artifact):\n" + log);
        assertEquals(0, p.exitValue(), log);

        List<String> artifacts = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            String a = line.strip();
            if (a.contains(":") && !a.startsWith("The following")) {
                artifacts.add(a);
            }
        }
        assertTrue(artifacts.stream().anyMatch(a -> a.startsWith("org.knowm.xchart:xchart:")),
                "the listing should include XChart: " + artifacts);
        for (String a : artifacts) {
            for (String banned : FORBIDDEN) {
                assertTrue(!a.startsWith(banned + ":") && !a.startsWith(banned + "."),
                        "a consumer of fluxion-nn would get " + a + " on its classpath; all: " + artifacts);
            }
        }
    }

    /** A consumer POM inheriting our parent's versions, with fluxion-nn's non-test, third-party dependencies. */
    private static String consumerPom(Path nnPom, Path parentPom) throws Exception {
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(nnPom.toFile());
        Element project = doc.getDocumentElement();
        Element parent = child(project, "parent");
        StringBuilder deps = new StringBuilder();
        NodeList list = child(project, "dependencies").getElementsByTagName("dependency");
        for (int i = 0; i < list.getLength(); i++) {
            Element d = (Element) list.item(i);
            String group = text(d, "groupId");
            if (group.equals("org.fluxion") || "test".equals(text(d, "scope"))) {
                continue; // our own modules bring no third-party library; test scope never reaches users
            }
            deps.append(toXml(d)).append('\n');
        }
        return """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <parent>
                    <groupId>%s</groupId><artifactId>%s</artifactId><version>%s</version>
                    <relativePath>%s</relativePath>
                  </parent>
                  <artifactId>fluxion-consumer-check</artifactId>
                  <dependencies>
                %s  </dependencies>
                </project>
                """.formatted(text(parent, "groupId"), text(parent, "artifactId"), text(parent, "version"),
                parentPom, deps);
    }

    private static Element child(Element e, String name) {
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(name)) {
                return c;
            }
        }
        throw new IllegalStateException("pom.xml: <" + e.getTagName() + "> has no <" + name + ">");
    }

    private static String text(Element e, String name) {
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(name)) {
                return c.getTextContent().strip();
            }
        }
        return null;
    }

    private static String toXml(Element e) throws Exception {
        StringWriter writer = new StringWriter();
        Transformer transformer = TransformerFactory.newInstance().newTransformer();
        transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
        transformer.transform(new DOMSource(e), new StreamResult(writer));
        return writer.toString().replace(" xmlns=\"http://maven.apache.org/POM/4.0.0\"", "");
    }

    private static String findOnPath(String name) throws IOException {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String d : path.split(File.pathSeparator)) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }
}
