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

    @Test
    void aSeq2seqRowShowsGreedyAndBeamErrorRatesInPercentOrBleu(@TempDir Path docs) throws Exception {
        Path dir = Files.createDirectories(docs.resolve("cmudict-g2p")), fra = Files.createDirectories(docs.resolve("eng-fra"));
        Files.writeString(dir.resolve("g2p-additive.json"), "{\"test_wer\": 0.2412, \"test_ter\": 0.0561, \"test_beam_wer\": 0.2371,"
                + " \"test_beam_ter\": 0.0549, \"wall_seconds\": 600.0, \"target_tokens_per_s\": 2500.4,"
                + " \"command\": \"./zoo train seq2seq-attention --preset g2p --set score=additive\"}");
        Files.writeString(fra.resolve("fra-none.json"), "{\"test_bleu\": 21.456, \"test_wer\": 0.9, \"test_ter\": 0.5,"
                + " \"command\": \"./zoo train seq2seq --preset eng-fra\"}");
        String md = ResultsTables.markdown(ResultsTables.all(), docs);
        assertTrue(md.contains("| G2P, attention: additive | WER 24.12 / PER 5.61 | WER 23.71 / PER 5.49 | bi-LSTM 23.55 / 5.45"), md);
        assertTrue(md.contains("| 10.0 min | 2,500 |"), md);
        assertTrue(md.contains("| eng-fra, no attention | BLEU 21.46 | - |"), md);
        assertTrue(md.contains("| G2P, no attention | not run yet |"), md);
        assertTrue(md.contains("| model | ours (test, greedy) | beam |"), md);
    }
}
