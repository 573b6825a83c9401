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
}
