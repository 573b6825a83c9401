package org.rnnzoo.decode;

import java.util.Arrays;

/**
 * The probability cutoffs of top-k and nucleus filtering without sorting the vocabulary:
 * quickselect, by count (the k-th largest value) or by mass (the value at which the largest values
 * first reach a given mass). Expected O(n). A PTB nucleus at p = 0.9 holds thousands of words, and
 * sorting them every token cost more than the model's step.
 *
 * <p>Both methods reorder {@code a} (pass a scratch copy) and look only at its first {@code n} values.
 */
final class Cutoffs {
    private static final int SMALL = 48;

    private Cutoffs() {}

    /** The k-th largest of a[0, n) (1 ≤ k ≤ n). */
    static float kthLargest(float[] a, int n, int k) {
        int lo = 0, hi = n;            // the answer is in a[lo, hi); `above` values are known to be larger
        int above = 0;
        while (true) {
            if (hi - lo <= SMALL) {
                Arrays.sort(a, lo, hi);
                return a[hi - 1 - (k - 1 - above)];
            }
            float pivot = pivot(a, lo, hi);
            int[] p = partition(a, lo, hi, pivot);       // [lo, gt) > pivot, [gt, lt) == pivot, [lt, hi) < pivot
            int greater = p[0] - lo, equal = p[1] - p[0];
            if (above + greater >= k) hi = p[0];
            else if (above + greater + equal >= k) return pivot;
            else { above += greater + equal; lo = p[1]; }
        }
    }

    /**
     * The value v at which the largest values of a[0, n), taken in descending order, first hold a
     * mass of at least {@code need}: the smallest value a nucleus keeps. If all of them together
     * hold less, the smallest value.
     */
    static float nucleusBoundary(float[] a, int n, double need) {
        int lo = 0, hi = n;
        double above = 0;              // mass of the values known to be larger than a[lo, hi)
        while (true) {
            if (hi - lo <= SMALL) {
                Arrays.sort(a, lo, hi);
                for (int i = hi - 1; i > lo; i--) {
                    above += a[i];
                    if (above >= need) return a[i];
                }
                return a[lo];
            }
            float pivot = pivot(a, lo, hi);
            int[] p = partition(a, lo, hi, pivot);
            double greater = 0;
            for (int i = lo; i < p[0]; i++) greater += a[i];
            double equal = (double) pivot * (p[1] - p[0]);
            if (above + greater >= need) hi = p[0];
            else if (above + greater + equal >= need || p[1] == hi) return pivot;
            else { above += greater + equal; lo = p[1]; }
        }
    }

    /** Median of three spread values: good enough on the skewed distributions of a language model. */
    private static float pivot(float[] a, int lo, int hi) {
        float x = a[lo], y = a[(lo + hi) >>> 1], z = a[hi - 1];
        return Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
    }

    /** Three-way partition of a[lo, hi) around pivot, descending: returns {end of &gt;, end of ==}. */
    private static int[] partition(float[] a, int lo, int hi, float pivot) {
        int gt = lo, i = lo, lt = hi;
        while (i < lt) {
            float v = a[i];
            if (v > pivot) { a[i] = a[gt]; a[gt++] = v; i++; }
            else if (v < pivot) { a[i] = a[--lt]; a[lt] = v; }
            else i++;
        }
        return new int[]{gt, lt};
    }
}
