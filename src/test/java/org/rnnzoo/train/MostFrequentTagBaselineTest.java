package org.rnnzoo.train;

import org.junit.jupiter.api.Test;
import org.rnnzoo.datasets.TaggedSentences;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MostFrequentTagBaselineTest {
    // tags: 0 = dt, 1 = nn, 2 = vb
    private static TaggedSentences.Example s(String words, int... tags) { return new TaggedSentences.Example(List.of(words.split(" ")), tags); }

    @Test
    void eachWordGetsItsMostFrequentTrainingTagAndUnseenWordsTheMostFrequentTagOverall() {
        MostFrequentTagBaseline b = MostFrequentTagBaseline.fit(List.of(
                s("the run ends", 0, 1, 2),
                s("they run", 1, 2),
                s("we run the race", 1, 2, 0, 1)), 3);
        // counts overall: dt 2, nn 4, vb 3 -> unseen words get nn
        assertEquals(2, b.predict("run"), "run: vb twice, nn once");
        assertEquals(0, b.predict("the"));
        assertEquals(2, b.predict("ends"));
        assertEquals(1, b.predict("sprint"), "never seen: the most frequent tag overall (nn)");
        assertTrue(b.seen("race"));
        assertFalse(b.seen("Race"), "words are compared as written");
        // "the race ends fast" tagged dt nn vb vb: the baseline says dt nn vb nn
        int[] truth = {0, 1, 2, 2};
        String[] words = {"the", "race", "ends", "fast"};
        int right = 0;
        for (int i = 0; i < words.length; i++) if (b.predict(words[i]) == truth[i]) right++;
        assertEquals(3, right, "3 of 4: the unseen 'fast' (truth vb) gets nn");
    }

    @Test
    void aTieGoesToTheSmallerTagId() {
        MostFrequentTagBaseline b = MostFrequentTagBaseline.fit(List.of(s("set set", 2, 1)), 3);
        assertEquals(1, b.predict("set"));
        assertEquals(1, b.predict("unseen"), "overall nn 1, vb 1: the smaller id");
    }
}
