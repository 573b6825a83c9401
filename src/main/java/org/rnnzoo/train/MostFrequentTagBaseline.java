package org.rnnzoo.train;

import org.rnnzoo.datasets.TaggedSentences;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tagging baseline every POS paper prints beside its model: each word gets the tag it had most
 * often in training, a word never seen in training the tag most frequent overall. Words are
 * compared as written (not through a vocabulary, so the baseline does not depend on the tagger's
 * {@code min_count}); ties go to the smaller tag id.
 */
public final class MostFrequentTagBaseline {
    private final Map<String, Integer> tagOf;
    private final int fallback;

    private MostFrequentTagBaseline(Map<String, Integer> tagOf, int fallback) {
        this.tagOf = tagOf;
        this.fallback = fallback;
    }

    public static MostFrequentTagBaseline fit(List<TaggedSentences.Example> train, int tags) {
        Map<String, int[]> counts = new HashMap<>();
        int[] overall = new int[tags];
        for (TaggedSentences.Example e : train)
            for (int t = 0; t < e.tags().length; t++) {
                counts.computeIfAbsent(e.tokens().get(t), w -> new int[tags])[e.tags()[t]]++;
                overall[e.tags()[t]]++;
            }
        Map<String, Integer> tagOf = new HashMap<>(counts.size() * 2);
        counts.forEach((w, c) -> tagOf.put(w, argMax(c)));
        return new MostFrequentTagBaseline(tagOf, argMax(overall));
    }

    /** Whether the word was in the training sentences. */
    public boolean seen(String word) { return tagOf.containsKey(word); }

    public int predict(String word) { return tagOf.getOrDefault(word, fallback); }

    private static int argMax(int[] counts) {
        int best = 0;
        for (int k = 1; k < counts.length; k++) if (counts[k] > counts[best]) best = k;
        return best;
    }
}
