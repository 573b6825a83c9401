package org.rnnzoo.common;

/** Levenshtein distance between token sequences: the count behind word/phoneme/token error rates. */
public final class EditDistance {
    private EditDistance() {}

    public static int between(int[] a, int[] b) {
        int[] prev = new int[b.length + 1], cur = new int[b.length + 1];
        for (int j = 0; j <= b.length; j++) prev[j] = j;
        for (int i = 1; i <= a.length; i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length; j++)
                cur[j] = Math.min(Math.min(cur[j - 1], prev[j]) + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[b.length];
    }
}
