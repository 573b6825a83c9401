package org.rnnzoo.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/results.md shows exactly what the stored row results say, and marks rows that never ran. */
class ResultsTablesTest {
    @Test
    void aStoredRowIsRenderedWithItsCommandAndAMissingOneSaysSo(@TempDir Path docs) throws Exception {
        Path row = Files.createDirectories(docs.resolve("ptb")).resolve("kn5.json");
        Files.writeString(row, "{\"test_ppl\": 141.1862, \"valid_ppl\": 148.0081, \"wall_seconds\": 6.0,"
                + " \"command\": \"./zoo train kn-lm --dataset ptb --set order=5\"}");
        String md = ResultsTables.markdown(ResultsTables.all(), docs);
        assertTrue(md.contains("| KN 5-gram | 141.19 | 148.01 | 141.2 (Mikolov 2012) | within 1% of 141.2 | `./zoo train kn-lm --dataset ptb --set order=5` | 0.1 min | - |"), md);
        assertTrue(md.contains("| LSTM small (2x200) | not run yet |"), md);
        assertTrue(md.contains("continuous word stream"), "the Brown table states its data choices");
        assertTrue(!md.contains("PEER NOTE"), md);

        Files.writeString(docs.resolve("ptb").resolve("notes.md"), "PEER NOTE: the same recipe in PyTorch\n");
        md = ResultsTables.markdown(ResultsTables.all(), docs);
        assertTrue(md.indexOf("PEER NOTE") > md.indexOf("| LSTM small (2x200)") && md.indexOf("PEER NOTE") < md.indexOf("## brown"),
                "a table's notes.md follows its rows: " + md);
    }
}
