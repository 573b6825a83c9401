package org.rnnzoo.data;

import java.util.SplittableRandom;

/** Seeded Fisher–Yates permutations, so every shuffled iterator is reproducible pass by pass. */
final class Permutations {
    private Permutations() {}

    static int[] of(int n, boolean shuffle, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        if (shuffle) {
            SplittableRandom r = new SplittableRandom(seed);
            for (int i = n - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = order[i]; order[i] = order[j]; order[j] = t;
            }
        }
        return order;
    }
}
