package org.rnnzoo;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The package rules of README's Layout: kernels know nothing of DL4J or of the packages above them,
 * layers nothing of decode, train or models, decode nothing of the CLI or the trainer.
 */
class PackageRulesTest {
    private static final Path MAIN = Path.of("src/main/java/org/rnnzoo");

    private static List<String> offenders(String pkg, String... forbidden) throws IOException {
        try (Stream<Path> files = Files.list(MAIN.resolve(pkg))) {
            return files.filter(f -> f.toString().endsWith(".java")).filter(f -> {
                try {
                    String src = Files.readString(f);
                    for (String imp : forbidden) if (src.contains("import " + imp)) return true;
                    return false;
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }).map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void kernelsImportNoDl4jAndNothingFromTheLayersAbove() throws IOException {
        assertEquals(List.of(), offenders("kernels", "org.deeplearning4j", "org.rnnzoo.layers", "org.rnnzoo.decode",
                "org.rnnzoo.train", "org.rnnzoo.models"));
    }

    @Test
    void layersImportNothingFromDecodeOrTrain() throws IOException {
        assertEquals(List.of(), offenders("layers", "org.rnnzoo.decode", "org.rnnzoo.train", "org.rnnzoo.models"));
    }

    @Test
    void decodeImportsNothingFromTheCliOrTheTrainer() throws IOException {
        assertEquals(List.of(), offenders("decode", "org.rnnzoo.cli", "org.rnnzoo.train"));
    }

    /** The one trainer knows no Spark and no UI: they plug in through EpochRunner and TrainingListeners. */
    @Test
    void theTrainerImportsNeitherSparkNorTheUi() throws IOException {
        assertEquals(List.of(), offenders("train", "org.apache.spark", "org.deeplearning4j.spark", "org.deeplearning4j.ui",
                "org.rnnzoo.spark", "org.rnnzoo.ui"));
    }

    /** Spark and the UI are libraries under the CLI, like the trainer. */
    @Test
    void sparkAndUiImportNothingFromTheCli() throws IOException {
        assertEquals(List.of(), offenders("spark", "org.rnnzoo.cli", "org.rnnzoo.ui"));
        assertEquals(List.of(), offenders("ui", "org.rnnzoo.cli", "org.rnnzoo.spark"));
    }

    /**
     * The packages' references (imports and fully qualified names) form no cycle: data flows one
     * way, file → datasets → data → train, and the front door {@code org.rnnzoo.Zoo} sits above all.
     */
    @Test
    void noImportCycleBetweenPackages() throws IOException {
        java.util.Map<String, java.util.Set<String>> uses = new java.util.TreeMap<>();
        java.util.regex.Pattern ref = java.util.regex.Pattern.compile("org\\.rnnzoo\\.(\\w+)\\.[A-Z]");
        java.util.regex.Pattern root = java.util.regex.Pattern.compile("org\\.rnnzoo\\.([A-Z]\\w*)\\b");
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = MAIN.relativize(f.getParent()).toString();
                pkg = pkg.isEmpty() ? "(root)" : pkg;
                String src = Files.readString(f);
                java.util.Set<String> to = uses.computeIfAbsent(pkg, k -> new java.util.TreeSet<>());
                for (java.util.regex.Matcher m = ref.matcher(src); m.find(); ) if (!m.group(1).equals(pkg)) to.add(m.group(1));
                for (java.util.regex.Matcher m = root.matcher(src); m.find(); ) if (!pkg.equals("(root)")) to.add("(root)");
            }
        }
        for (String start : uses.keySet()) {
            java.util.Deque<List<String>> paths = new java.util.ArrayDeque<>(List.of(List.of(start)));
            java.util.Set<String> seen = new java.util.HashSet<>();
            while (!paths.isEmpty()) {
                List<String> path = paths.pop();
                for (String next : uses.getOrDefault(path.get(path.size() - 1), java.util.Set.of())) {
                    List<String> longer = new java.util.ArrayList<>(path);
                    longer.add(next);
                    if (next.equals(start)) throw new AssertionError("import cycle: " + String.join(" -> ", longer));
                    if (seen.add(next)) paths.push(longer);
                }
            }
        }
    }
}
