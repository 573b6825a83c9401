package org.rnnzoo.train;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Corpus BLEU-4 with brevity penalty and 13a tokenisation, checked against cases worked by hand. */
class BleuTest {
    @Test
    void identicalOutputsScore100() {
        List<String> refs = List.of("the cat is on the mat .", "a dog barks loudly at the mailman .");
        assertEquals(100.0, Bleu.corpus(refs, refs.stream().map(List::of).toList()), 1e-9);
    }

    @Test
    void twoSentencesWorkedByHand() {
        // 1: "the cat sat on the mat" vs "the cat is on the mat"
        //    1-grams 5/6 (the ×2, cat, on, mat), 2-grams 3/5 (the cat, on the, the mat), 3-grams 1/4 (on the mat), 4-grams 0/3
        // 2: "a dog barks." vs "the dog barks loudly." — 13a splits the full stop: a dog barks . / the dog barks loudly .
        //    1-grams 3/4 (dog, barks, .), 2-grams 1/3 (dog barks), 3-grams 0/2, 4-grams 0/1
        // corpus: p1 = 8/10, p2 = 4/8, p3 = 1/6, p4 = 0/4 → exp smoothing (SacreBLEU's default): 1/(2·4) = 1/8
        // output length c = 10, reference length r = 6 + 5 = 11 → BP = exp(1 − 11/10) = 0.904837
        // BLEU = 100 · BP · (0.8 · 0.5 · 1/6 · 1/8)^(1/4) = 100 · 0.904837 · 0.302138 = 27.3385
        Bleu.Stats s = Bleu.stats(List.of("the cat sat on the mat", "a dog barks."),
                List.of(List.of("the cat is on the mat"), List.of("the dog barks loudly.")));
        assertArrayEquals(new long[]{8, 4, 1, 0}, s.matches());
        assertArrayEquals(new long[]{10, 8, 6, 4}, s.totals());
        assertEquals(10, s.outputLength());
        assertEquals(11, s.referenceLength());
        assertEquals(Math.exp(-0.1), s.brevityPenalty(), 1e-12);
        assertEquals(27.3385, s.score(), 1e-4);
    }

    @Test
    void clipsRepeatsSmoothsMissingOrdersAndUsesTheClosestReferenceLength() {
        // "the the the the" vs {"the cat", "a cat sat on it"}: "the" clipped to its most in one reference, 1 of 4;
        // closest reference length to c = 4 is 5 (|5−4| = 1 < |2−4|), so BP = exp(1 − 5/4);
        // no 2/3/4-gram matches: exp smoothing gives p2 = 1/(2·3), p3 = 1/(4·2), p4 = 1/(8·1)
        Bleu.Stats s = Bleu.stats(List.of("the the the the"), List.of(List.of("the cat", "a cat sat on it")));
        assertArrayEquals(new long[]{1, 0, 0, 0}, s.matches());
        assertEquals(5, s.referenceLength());
        assertEquals(100 * Math.exp(-0.25) * Math.pow(0.25 / 6 / 8 / 8, 0.25), s.score(), 1e-9);
    }

    @Test
    void noMatchingWordScoresZeroAndAnEmptyOutputToo() {
        // smoothing would give 100·(1/(2·3) · 1/(4·2) · 1/(8·1) · 1/(16·0))... but SacreBLEU stops at p1 = 0
        assertEquals(0.0, Bleu.corpus(List.of("x y z"), List.of(List.of("a b c"))), 0.0);
        assertEquals(0.0, Bleu.corpus(List.of(""), List.of(List.of("a b c"))), 0.0);
        // an output shorter than 4 tokens has no 4-grams: 0 (SacreBLEU's default, not the effective order)
        assertEquals(0.0, Bleu.corpus(List.of("a b c"), List.of(List.of("a b c"))), 0.0);
    }

    @Test
    void tokenizes13aAsSacreBleu() {
        assertEquals("Hello , world ! It's 3.5 - 4", Bleu.tokenize13a("Hello, world! It's 3.5-4"));
        assertEquals("\" quoted \" & ( parens ) / slash", Bleu.tokenize13a("&quot;quoted&quot; &amp; (parens)/slash"));
        assertEquals("1,000 people .", Bleu.tokenize13a("1,000 people."));
    }
}
