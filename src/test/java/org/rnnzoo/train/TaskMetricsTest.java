package org.rnnzoo.train;

import org.junit.jupiter.api.Test;
import org.rnnzoo.common.EditDistance;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The task metrics against cases worked out by hand. */
class TaskMetricsTest {
    @Test
    void accuracyAndMacroF1OfAThreeClassConfusion() {
        ClassificationMetrics m = new ClassificationMetrics(3);
        // truth 0: predicted 0, 0, 1; truth 1: predicted 1; truth 2: predicted 0. Class 2 is never predicted.
        m.add(0, 0, 0.5);
        m.add(0, 0, 0.5);
        m.add(0, 1, 0.25);
        m.add(1, 1, 1.0);
        m.add(2, 0, 0.125);
        assertEquals(3.0 / 5, m.accuracy(), 1e-12);
        // F1: class 0 = 2·2/(3 predicted + 3 true) = 2/3; class 1 = 2·1/(2 + 1) = 2/3; class 2 = 0
        assertEquals((2.0 / 3 + 2.0 / 3 + 0) / 3, m.macroF1(), 1e-12);
        double loss = -(Math.log(0.5) * 2 + Math.log(0.25) + Math.log(1.0) + Math.log(0.125)) / 5;
        assertEquals(loss, m.metrics("sentences").get("loss"), 1e-12);
        assertEquals(5.0, m.metrics("sentences").get("sentences"));
    }

    @Test
    void editDistanceCountsInsertionsDeletionsAndSubstitutions() {
        assertEquals(0, EditDistance.between(new int[]{1, 2, 3}, new int[]{1, 2, 3}));
        assertEquals(3, EditDistance.between(new int[]{}, new int[]{1, 2, 3}));
        assertEquals(1, EditDistance.between(new int[]{1, 3}, new int[]{1, 2, 3}));
        assertEquals(1, EditDistance.between(new int[]{1, 9, 3}, new int[]{1, 2, 3}));
        assertEquals(2, EditDistance.between(new int[]{3, 2, 1}, new int[]{1, 2, 3}));   // "kitten"-style: two substitutions
        assertEquals(3, EditDistance.between(new int[]{1, 2, 3, 4, 5, 6}, new int[]{2, 3, 4, 7}));
    }

    @Test
    void g2pErrorRatesCountAWordOnceAndScoreItAgainstItsClosestPronunciation() {
        // word 1 has two pronunciations and the output is the second: right, 0 edits over 3 phonemes
        // word 2: one deletion against its only pronunciation: wrong, 1 edit over 4
        // word 3: one edit from each of its two (length 2 and 4): wrong, 1 edit over the shorter, 2
        // WER = 2 wrong / 3 words (not / 5 pronunciations); PER = (0 + 1 + 1) / (3 + 4 + 2)
        java.util.Map<String, Double> m = Seq2SeqTask.errorRates(
                java.util.List.of(new int[]{1, 4, 3}, new int[]{5, 6, 8}, new int[]{1, 2, 3}),
                java.util.List.of(java.util.List.of(new int[]{1, 2, 3}, new int[]{1, 4, 3}), java.util.List.of(new int[]{5, 6, 7, 8}),
                        java.util.List.of(new int[]{1, 2}, new int[]{1, 2, 3, 4})));
        assertEquals(2.0 / 3, m.get("wer"), 1e-12);
        assertEquals(2.0 / 9, m.get("ter"), 1e-12);
    }

    @Test
    void anUnknownOutputWordMatchesNoReferenceWord() {
        // "Bonjour" is not in the model's vocabulary: the output <unk> there is one substitution, not a match.
        // sentence 1 wrong (1 edit over 2 words), sentence 2 right (0 over 3): WER 1/2, TER 1/5
        java.util.Map<String, Double> m = Seq2SeqTask.scores(
                java.util.List.of(java.util.List.of("<unk>", "."), java.util.List.of("Je", "suis", ".")),
                java.util.List.of(java.util.List.of(java.util.List.of("Bonjour", ".")), java.util.List.of(java.util.List.of("Je", "suis", "."))));
        assertEquals(0.5, m.get("wer"), 1e-12);
        assertEquals(1.0 / 5, m.get("ter"), 1e-12);
        // BLEU: 13a splits <unk> into "< unk >", so the outputs are 7 tokens (no brevity penalty against 5); n-gram matches
        // 4/7, 2/5, 1/3 and 0/1, the last smoothed to 1/(2·1). Against "<unk> ." as a reference the first output would match
        // every n-gram.
        assertEquals(100 * Math.pow(4.0 / 7 * 2.0 / 5 * 1.0 / 3 * 1.0 / 2, 0.25), m.get("bleu"), 1e-9);
    }
}
