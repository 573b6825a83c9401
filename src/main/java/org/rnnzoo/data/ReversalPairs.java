package org.rnnzoo.data;

import org.rnnzoo.datasets.SentencePairs;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The built-in, offline seq2seq corpus: strings of letters and their reversal ("d a c" → "c a d").
 * The first output token depends on the last input token, so an encoder–decoder must carry the
 * whole source through its bottleneck — the task attention makes easy (its weights come out
 * anti-diagonal). Lengths 3–{@code maxLength}, letters from a small alphabet.
 */
public final class ReversalPairs {
    public static final String NAME = "reverse";
    private static final String LETTERS = "abcdefghijklmnop";

    private ReversalPairs() {}

    /** {@code train} pairs, and a tenth of that each for valid and test, from one seed. */
    public static SentencePairs generate(long seed, int train, int maxLength) {
        SplittableRandom r = new SplittableRandom(seed);
        int held = Math.max(1, train / 10);
        return new SentencePairs(NAME, pairs(r, train, maxLength), pairs(r, held, maxLength), pairs(r, held, maxLength));
    }

    private static List<SentencePairs.Pair> pairs(SplittableRandom r, int n, int maxLength) {
        List<SentencePairs.Pair> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int len = 3 + r.nextInt(Math.max(1, maxLength - 2));
            List<String> source = new ArrayList<>(len);
            for (int k = 0; k < len; k++) source.add(String.valueOf(LETTERS.charAt(r.nextInt(LETTERS.length()))));
            List<String> target = new ArrayList<>(source);
            java.util.Collections.reverse(target);
            out.add(new SentencePairs.Pair(source, target));
        }
        return out;
    }
}
