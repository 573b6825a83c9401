package org.rnnzoo.kernel;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The line magics IJava and JJava both understand, with their meaning there:
 * {@code %classpath PATH...} and {@code %jars GLOB...} add jars or class folders, {@code %maven G:A:V...}
 * adds artifacts with their runtime dependencies (resolved by the {@code mvn} on the PATH, so the local
 * repository, {@code ~/.m2/settings.xml} and its mirrors apply), {@code %load FILE} runs a file of cells.
 */
final class Magics {
    private static final List<String> NAMES = List.of("classpath", "jars", "maven", "load");
    private final ZooKernel kernel;

    Magics(ZooKernel kernel) { this.kernel = kernel; }

    /** Runs one magic line (without its %); returns the value of a loaded file's last snippet, else null. */
    Object run(String line) {
        List<String> words = new ArrayList<>(Arrays.asList(line.strip().split("\\s+")));
        String name = words.remove(0);
        switch (name) {
            case "classpath", "jars" -> {
                for (String w : words)
                    for (String part : w.split(File.pathSeparator)) for (Path p : glob(part)) kernel.addToClasspath(p);
            }
            case "maven", "addMavenDependency" -> {
                if (words.isEmpty()) throw new IllegalArgumentException("%maven needs GROUP:ARTIFACT:VERSION");
                for (Path p : MavenClasspath.resolve(words)) kernel.addToClasspath(p);
            }
            case "load" -> {
                if (words.size() != 1) throw new IllegalArgumentException("%load takes one file");
                try {
                    return kernel.evalRaw(Files.readString(Path.of(words.get(0))));
                } catch (IOException e) {
                    throw new IllegalArgumentException("%load: cannot read " + words.get(0) + ": " + e.getMessage(), e);
                }
            }
            default -> throw new IllegalArgumentException("unknown magic %" + name + "; this kernel knows %" + String.join(", %", NAMES));
        }
        return null;
    }

    /** A path, or a path whose last part has * or ? in it ({@code lib/*.jar}); a glob that matches nothing is an error. */
    static List<Path> glob(String pattern) {
        Path path = Path.of(pattern.replaceFirst("^~(?=/|$)", System.getProperty("user.home")));
        String last = path.getFileName() == null ? "" : path.getFileName().toString();
        if (!last.contains("*") && !last.contains("?")) {
            if (!Files.exists(path)) throw new IllegalArgumentException("no such file: " + path);
            return List.of(path);
        }
        Path dir = path.getParent() == null ? Path.of(".") : path.getParent();
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, last)) {
            for (Path p : s) found.add(p);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (found.isEmpty()) throw new IllegalArgumentException("nothing matches " + pattern);
        found.sort(null);
        return found;
    }
}
