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

    @Test
    void accuracyTablesShowPercentagesTheBaselineAndTheMeanAndStdOverFolds(@TempDir Path docs) throws Exception {
        Path tagging = Files.createDirectories(docs.resolve("tagging"));
        Files.writeString(tagging.resolve("bi-brown-pos.json"), "{\"test_accuracy\": 0.95123, \"valid_accuracy\": 0.9601,"
                + " \"test_baseline_accuracy\": 0.882, \"test_unknown_accuracy\": 0.7, \"test_baseline_unknown_accuracy\": 0.2174,"
                + " \"tokens_per_s\": 1500.4, \"wall_seconds\": 120.0, \"command\": \"./zoo train birnn-tagger --preset brown-pos\"}");
        Path sentiment = Files.createDirectories(docs.resolve("sentiment"));
        double[] folds = {0.76, 0.78, 0.80};   // mean 78.00, sample std 2.00
        for (int k = 0; k < folds.length; k++)
            Files.writeString(sentiment.resolve("bi-mr-fold" + k + ".json"), "{\"test_accuracy\": " + folds[k]
                    + ", \"valid_accuracy\": 0.8, \"sentences_per_s\": 300, \"command\": \"./zoo train birnn-sentiment --preset mr --set fold=" + k + "\"}");
        String md = ResultsTables.markdown(ResultsTables.all(), docs);
        assertTrue(md.contains("| model | ours (test accuracy, %) | valid accuracy | paper | target | command | wall time | training speed |"), md);
        assertTrue(md.contains("| BiLSTM tagger | 95.12 (baseline 88.20; unseen words 70.00, baseline 21.74) | 96.01 |"), md);
        assertTrue(md.contains("| 2.0 min | 1,500 tokens/s |"), md);
        assertTrue(md.contains("- bi-mr: mean 78.00 ± 2.00 (sample std) over 3 folds run"), md);
        assertTrue(md.contains("| BiLSTM, MR fold 3 | not run yet |"), md);
        assertTrue(md.contains("| LSTM, SST-2, phrases | not run yet | | Kim 2014 CNN-rand 82.7"), md);
        assertTrue(md.contains("| model | ours (test ppl) | valid ppl |"), "language-model tables keep their columns");
    }

    @Test
    void everyRowsCommandNamesAPresetAndKeysItsCardHas() {
        // resolving a row's card applies its --preset and --set: an unknown preset or key throws
        ResultsTables.all().forEach((table, rows) -> rows.forEach(r -> assertTrue(!ResultsTables.dataset(r).isEmpty(), table + "/" + r.id())));
        assertTrue(ResultsTables.all().get("sentiment").stream().anyMatch(r -> ResultsTables.dataset(r).equals("mr")));
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
