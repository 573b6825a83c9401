package org.rnnzoo.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The shared read-only mirror the build points at ({@code -Dzoo.mirror}), and helpers to compare folders. */
final class TestMirror {
    private TestMirror() {}

    static Path dir() {
        String p = System.getProperty("zoo.mirror");
        if (p == null) throw new IllegalStateException("run the tests through Maven: surefire sets -Dzoo.mirror");
        return Path.of(p);
    }

    /** Copies one dataset folder of the shared mirror into {@code mirror}, so a test can damage it. */
    static Path copy(String dataset, Path mirror) throws IOException {
        Path to = Files.createDirectories(mirror.resolve(dataset));
        try (Stream<Path> files = Files.list(dir().resolve(dataset))) {
            for (Path f : files.toList()) Files.copy(f, to.resolve(f.getFileName()));
        }
        return to;
    }

    /** Every path under {@code root} with its sha256 (or "dir"): equal snapshots mean nothing changed. */
    static Map<String, String> snapshot(Path root) {
        Map<String, String> out = new TreeMap<>();
        if (!Files.exists(root)) return out;
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList())
                out.put(root.relativize(p).toString(), Files.isDirectory(p) ? "dir" : DatasetStore.sha256(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
