package org.rnnzoo.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    @Test
    void theDepthTableListsEveryConnectionAndDepthAndPlotsWhatRan(@TempDir Path docs) throws Exception {
        Path dir = Files.createDirectories(docs.resolve("depth"));
        Files.writeString(dir.resolve("lstm-highway-4.json"), "{\"test_ppl\": 170.0, \"valid_ppl\": 180.0, \"parameters\": 3000000,"
                + " \"tokens_per_s\": 4000.0, \"wall_seconds\": 600.0}");
        Files.writeString(dir.resolve("lstm-highway-8.json"), "{\"test_ppl\": 175.0, \"valid_ppl\": 185.0}");
        assertTrue(DepthPlot.write(dir, ResultsTables.all().get("depth")));
        assertTrue(Files.size(dir.resolve(DepthPlot.FILE)) > 1000);
        String md = ResultsTables.markdown(ResultsTables.all(), docs);
        assertTrue(md.contains("| LSTM | highway | 4 | 170.00 | 180.00 | 3,000,000 | 4,000 | 10.0 min | `./zoo train highway-lm --preset ptb-depth --set depth=4` |"), md);
        assertTrue(md.contains("| RNN | residual | 8 | not run yet |"), md);
        assertTrue(md.contains("`./zoo train lstm-lm --preset ptb-depth --set layers=1`"), md);
        assertTrue(md.contains("![test perplexity against depth](results/depth/depth.png)"), md);
        assertEquals(20, ResultsTables.all().get("depth").size(), "4 connections x 4 depths of LSTM + the RNN pair at 4 and 8");
    }

    @Test
    void aCharacterRowReportsNatsAsTheLogOfItsPerplexity(@TempDir Path docs) throws Exception {
        Files.writeString(Files.createDirectories(docs.resolve("shakespeare")).resolve("lstm-char.json"),
                "{\"valid_ppl\": 4.4817, \"test_ppl\": 4.4817, \"command\": \"./zoo train lstm-lm --preset shakespeare-char\"}");
        String md = ResultsTables.markdown(ResultsTables.all(), docs);
        assertTrue(md.contains("| model | ours (valid loss, nats) |"), md);
        assertTrue(md.contains("| 1.50 | 4.48 | 1.4697 nats"), md);   // ln 4.4817 = 1.5000
    }
}
