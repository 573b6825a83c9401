package org.rnnzoo.kernel;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code %maven}: writes a throwaway pom that depends on the requested artifacts and asks Maven for
 * its runtime class path ({@code dependency:build-classpath}), so resolution is exactly Maven's
 * (version mediation, exclusions, the local repository where {@code mvn install} put rnn-zoo).
 */
final class MavenClasspath {
    private MavenClasspath() {}

    static List<Path> resolve(List<String> coordinates) {
        StringBuilder deps = new StringBuilder();
        for (String c : coordinates) {
            String[] p = c.split(":");
            if (p.length < 3 || p.length > 5)
                throw new IllegalArgumentException("%maven wants GROUP:ARTIFACT:VERSION (or G:A:TYPE:V, G:A:TYPE:CLASSIFIER:V), got " + c);
            String version = p[p.length - 1];
            deps.append("<dependency><groupId>").append(p[0]).append("</groupId><artifactId>").append(p[1])
                    .append("</artifactId><version>").append(version).append("</version>");
            if (p.length >= 4) deps.append("<type>").append(p[2]).append("</type>");
            if (p.length == 5) deps.append("<classifier>").append(p[3]).append("</classifier>");
            deps.append("</dependency>");
        }
        String pom = """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>org.rnnzoo.kernel</groupId><artifactId>cell</artifactId><version>0</version>
                  <dependencies>%s</dependencies>
                  <build><plugins><plugin><groupId>org.apache.maven.plugins</groupId>
                    <artifactId>maven-dependency-plugin</artifactId><version>3.8.1</version></plugin></plugins></build>
                </project>
                """.formatted(deps);
        Path dir = null;
        try {
            dir = Files.createTempDirectory("zoo-kernel-maven");
            Files.writeString(dir.resolve("pom.xml"), pom);
            Path out = dir.resolve("classpath.txt");
            Path log = dir.resolve("mvn.log");
            List<String> cmd = new ArrayList<>(List.of(mvn(), "-B", "-q", "dependency:build-classpath",
                    "-Dmdep.outputFile=" + out, "-Dmdep.includeScope=runtime"));
            Process proc = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            int rc = proc.waitFor();
            if (rc != 0 || !Files.exists(out)) {
                String tail = String.join("\n", Files.readAllLines(log).stream().filter(l -> l.contains("ERROR")).limit(5).toList());
                throw new IllegalStateException("%maven " + String.join(" ", coordinates) + ": mvn failed (exit " + rc + ")\n" + tail
                        + "\n(rnn-zoo itself: run `mvn -B install -DskipTests` in the project first)");
            }
            List<Path> entries = new ArrayList<>();
            for (String e : Files.readString(out).strip().split(File.pathSeparator)) if (!e.isBlank()) entries.add(Path.of(e));
            return entries;
        } catch (IOException e) {
            throw new IllegalStateException("%maven: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("%maven interrupted", e);
        } finally {
            if (dir != null) deleteQuietly(dir);
        }
    }

    private static String mvn() {
        String env = System.getenv("ZOO_KERNEL_MVN");
        return env != null && !env.isBlank() ? env : "mvn";
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp folder is harmless
        }
    }
}
