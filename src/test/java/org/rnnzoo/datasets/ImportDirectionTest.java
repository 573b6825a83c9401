package org.rnnzoo.datasets;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Data flows one way: org.rnnzoo.data may use the datasets, a dataset never uses org.rnnzoo.data. */
class ImportDirectionTest {
    /** {@code org.rnnzoo.data.X} or {@code org.rnnzoo.data.*}, imported or written out in full; not {@code org.rnnzoo.datasets}. */
    private static final Pattern DATA_PACKAGE = Pattern.compile("\\borg\\.rnnzoo\\.data\\.");

    @Test
    void noDatasetClassReferencesTheDataPackage() throws IOException {
        Path dir = Path.of("src/main/java/org/rnnzoo/datasets");
        List<String> offenders = new ArrayList<>();
        int scanned = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                scanned++;
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++)
                    if (DATA_PACKAGE.matcher(lines.get(i)).find()) offenders.add(f.getFileName() + ":" + (i + 1) + ": " + lines.get(i).strip());
            }
        }
        assertTrue(scanned > 10, "scanned only " + scanned + " files in " + dir.toAbsolutePath());
        assertEquals(List.of(), offenders, "org.rnnzoo.datasets must not depend on org.rnnzoo.data");
    }
}
