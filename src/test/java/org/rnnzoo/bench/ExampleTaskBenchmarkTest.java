package org.rnnzoo.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rnnzoo.CapturedConsole;
import org.rnnzoo.cli.ZooCommand;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code zoo bench} on a classifier and on a seq2seq model, a few steps on the built-in offline
 * corpora (negation, reverse): every rate in its RESULT line is a finite positive number, under the
 * names the PyTorch peers print theirs (bench/compare_classifier.sh and compare_seq2seq.sh read them).
 */
class ExampleTaskBenchmarkTest {
    @RegisterExtension
    final CapturedConsole console = new CapturedConsole();

    private Map<String, String> result(String... args) {
        assertEquals(0, ZooCommand.execute(args), console.stderr());
        List<String> lines = console.stdout().lines().filter(l -> l.startsWith("RESULT ")).toList();
        assertEquals(1, lines.size(), console.stdout());
        Map<String, String> r = new LinkedHashMap<>();
        Arrays.stream(lines.get(0).substring(7).split(" ")).map(kv -> kv.split("=", 2)).forEach(kv -> r.put(kv[0], kv[1]));
        return r;
    }

    private static void positive(Map<String, String> r, String... keys) {
        for (String k : keys) {
            double x = Double.parseDouble(r.get(k));
            assertTrue(Double.isFinite(x) && x > 0, k + " = " + x);
        }
    }

    @Test
    void aBidirectionalClassifierReportsSentencesAndTokensPerSecond() {
        Map<String, String> r = result("bench", "birnn-sentiment", "--set", "examples=200", "--set", "batch=8", "--warmup", "2",
                "--steps", "2", "--repeats", "2");
        assertEquals("negation", r.get("dataset"));
        assertEquals("4", r.get("steps"));
        positive(r, "sents_per_s", "tokens_per_s", "ms_per_step");
        // every sentence has a token or more
        assertTrue(Double.parseDouble(r.get("tokens_per_s")) >= Double.parseDouble(r.get("sents_per_s")), r.toString());
    }

    @Test
    void anAttentionSeq2seqReportsTargetTokensAndGreedyAndBeamDecoding() {
        Map<String, String> r = result("bench", "seq2seq-attention", "--set", "examples=200", "--set", "batch=8", "--set", "hidden=16",
                "--warmup", "2", "--steps", "2", "--repeats", "2", "--decode-sources", "6", "--beam", "3");
        assertEquals("reverse", r.get("dataset"));
        assertEquals("3", r.get("beam"));
        positive(r, "tokens_per_s", "seqs_per_s", "ms_per_step", "greedy_words_per_s", "beam_words_per_s");
        // a target token per letter plus <eos>: more target tokens than sequences
        assertTrue(Double.parseDouble(r.get("tokens_per_s")) > Double.parseDouble(r.get("seqs_per_s")), r.toString());
    }

    @Test
    void aTaggerIsRefusedByName() {
        assertEquals(2, ZooCommand.execute("bench", "rnn-tagger", "--steps", "1"));
        assertTrue(console.stderr().contains("rnn-tagger is a sequence-tagging model"), console.stderr());
    }
}
