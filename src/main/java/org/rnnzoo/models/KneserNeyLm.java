package org.rnnzoo.models;

import org.rnnzoo.common.StagedFile;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * Count-based n-gram language model with interpolated modified Kneser-Ney smoothing
 * (Kneser &amp; Ney 1995, "Improved backing-off for m-gram language modeling"; Chen &amp; Goodman
 * 1998, "An empirical study of smoothing techniques for language modeling", section 3.4),
 * following SRILM's {@code ngram-count -kndiscount -interpolate} conventions, no count cutoffs.
 *
 * <p>Sentences are padded as {@code <s> w1 .. wn </s>} with a single {@code <s>}, as SRILM does
 * (not order-1 copies): no n-gram reaches left of a {@code <s>}, so a query's context is cut at
 * it. {@code <s>} is only ever a context, never predicted.
 *
 * <p>Storage is a trie of hashed nodes: the node of {@code w1..wk} is the child of the node of
 * {@code w1..w(k-1)} found under the long key {@code parentNode * V + wk}, in one open-addressing
 * table per order: PTB's 2.3M n-grams of orders 1-5 take about 180 MB of heap.
 *
 * <p>Immutable once trained, so one model can be queried from several threads.
 */
public final class KneserNeyLm {
    private static final double LOG10_ZERO = -99; // what ARPA files write for log10(0)

    private final int order, vocabSize, bosId, eosId;
    /** Ids that can be predicted: every id but {@code <s>}; the unigram level's uniform floor spreads over them. */
    private final int uniformSupport;
    /** levels[k] holds the k-grams, k = 1..order; levels[0] is unused. */
    private final Level[] levels;
    /** discounts[k][c] for c = 1, 2, 3 (3 stands for 3+), the D1, D2, D3+ of order k; [k][0] = 0. */
    private final double[][] discounts;
    /** The empty context (unigram level): total count and discounted mass. */
    private final long unigramTotal;
    private final double unigramMass;

    private KneserNeyLm(int order, int vocabSize, int bosId, int eosId, Level[] levels) {
        this.order = order;
        this.vocabSize = vocabSize;
        this.bosId = bosId;
        this.eosId = eosId;
        this.uniformSupport = vocabSize - 1;
        this.levels = levels;
        this.discounts = new double[order + 1][];

        // Modified counts (Kneser & Ney 1995; Chen & Goodman 1998 sec. 2.7 and 3.4): the highest order counts
        // occurrences; a lower-order n-gram counts the distinct words seen just before it,
        // N1+(. w), because it is only consulted when the longer context did not predict w.
        // An n-gram that starts with <s> can have no word before it, so, as in SRILM, it keeps its
        // raw count (otherwise p(w | <s>) at order < N would rest on counts of 0 or 1).
        for (int k = 1; k <= order; k++) {
            Level lv = levels[k];
            if (k == order) {
                lv.count = lv.rawCount;
            } else {
                lv.count = lv.continuation;
                for (int node = lv.startsWithBos.nextSetBit(0); node >= 0; node = lv.startsWithBos.nextSetBit(node + 1))
                    lv.count[node] = lv.rawCount[node];
            }
            if (k == 1) lv.count[bosId] = 0; // <s> is never predicted (no bigram ends in it anyway)
            discounts[k] = estimateDiscounts(lv.count, lv.size);
        }
        for (int k = 1; k < order; k++) { // only the modified counts are needed from here on
            levels[k].rawCount = null;
            levels[k].continuation = null;
        }

        // Per context h: c(h .) and D1 N1(h .) + D2 N2(h .) + D3+ N3+(h .), the mass that the
        // discounts free for the lower order (Chen & Goodman 1998 sec. 3.4, the numerator of gamma).
        long total = 0;
        double mass = 0;
        for (int w = 0; w < vocabSize; w++) {
            int c = levels[1].count[w];
            total += c;
            mass += discount(1, c);
        }
        this.unigramTotal = total;
        this.unigramMass = mass;
        for (int k = 2; k <= order; k++) {
            Level lv = levels[k], parents = levels[k - 1];
            parents.childTotal = new long[parents.size];
            parents.childMass = new double[parents.size];
            for (int node = 0; node < lv.size; node++) {
                int parent = (int) (lv.keys[node] / vocabSize);
                int c = lv.count[node];
                parents.childTotal[parent] += c;
                parents.childMass[parent] += discount(k, c);
            }
        }
    }

    /**
     * @param sentences each an int[] of word ids WITHOUT boundary markers
     * @param bosId the sentence-start id; it is a vocabulary id but gets no probability mass
     * @param eosId the sentence-end id; predicted once per sentence
     */
    public static KneserNeyLm train(List<int[]> sentences, int vocabSize, int order, int bosId, int eosId) {
        if (order < 2 || order > 5)
            throw new IllegalArgumentException("order must be one of 2, 3, 4, 5, got " + order);
        if (bosId < 0 || bosId >= vocabSize || eosId < 0 || eosId >= vocabSize || bosId == eosId)
            throw new IllegalArgumentException("bosId and eosId must be distinct ids in [0, " + vocabSize + "), got "
                    + bosId + " and " + eosId);
        Level[] levels = new Level[order + 1];
        levels[1] = Level.dense(vocabSize);
        for (int k = 2; k <= order; k++) levels[k] = new Level(1 << 12);

        int[] padded = new int[16];
        int[] prev = new int[order + 1], cur = new int[order + 1];
        for (int[] sentence : sentences) {
            int n = sentence.length;
            if (padded.length < n + 2) padded = new int[Math.max(n + 2, padded.length * 2)];
            padded[0] = bosId;
            for (int i = 0; i < n; i++) {
                int w = sentence[i];
                if (w < 0 || w >= vocabSize || w == bosId || w == eosId)
                    throw new IllegalArgumentException("sentence ids must be in [0, " + vocabSize
                            + ") and exclude bos " + bosId + " / eos " + eosId + ", got " + w);
                padded[i + 1] = w;
            }
            padded[n + 1] = eosId;
            // prev[j] = node of padded[i-j .. i-1] at order j; cur[j] = node of padded[i-j+1 .. i].
            prev[1] = bosId;
            for (int i = 1; i <= n + 1; i++) {
                int w = padded[i];
                cur[1] = w;
                levels[1].rawCount[w]++;
                int longest = Math.min(order, i + 1);
                for (int k = 2; k <= longest; k++) {
                    Level lv = levels[k];
                    long key = (long) prev[k - 1] * vocabSize + w;
                    int node = lv.find(key);
                    if (node < 0) {
                        node = lv.add(key);
                        lv.suffix[node] = cur[k - 1];
                        if (k == i + 1) lv.startsWithBos.set(node);
                    }
                    lv.rawCount[node]++;
                    cur[k] = node;
                }
                int[] t = prev; prev = cur; cur = t;
            }
        }
        // N1+(. g): each distinct (k+1)-gram v g is one distinct left extension of its suffix g.
        for (int k = 1; k < order; k++) {
            levels[k].continuation = new int[levels[k].size];
            Level hi = levels[k + 1];
            for (int node = 0; node < hi.size; node++) levels[k].continuation[hi.suffix[node]]++;
        }
        return new KneserNeyLm(order, vocabSize, bosId, eosId, levels);
    }

    public int order() { return order; }

    /**
     * Natural-log probability of {@code next} given {@code history[0..historyLen)}, the ids since
     * the sentence start (only the last order-1 are used; a shorter history is preceded by
     * {@code <s>}, and anything before a {@code <s>} inside it is ignored).
     */
    public double logProb(int[] history, int historyLen, int next) {
        if (next < 0 || next >= vocabSize)
            throw new IllegalArgumentException("id must be in [0, " + vocabSize + "), got " + next);
        if (next == bosId) return Double.NEGATIVE_INFINITY;
        int[] ctx = context(history, historyLen);
        double p = unigramProb(next);
        int m = ctx.length;
        for (int j = 1; j <= m; j++) {
            int h = contextNode(ctx, m - j, m);
            if (h < 0 || levels[j].childTotal[h] == 0) break; // unseen context: the next order adds nothing
            p = interpolate(j + 1, h, levels[j + 1].find((long) h * vocabSize + next), p);
        }
        return Math.log(p);
    }

    /** The full conditional distribution over ids 0..vocabSize-1; {@code <s>} gets 0. */
    public double[] distribution(int[] history, int historyLen) {
        int[] ctx = context(history, historyLen);
        double[] p = new double[vocabSize];
        for (int w = 0; w < vocabSize; w++) p[w] = unigramProb(w);
        int m = ctx.length;
        for (int j = 1; j <= m; j++) {
            int h = contextNode(ctx, m - j, m);
            if (h < 0 || levels[j].childTotal[h] == 0) break;
            Level lv = levels[j + 1];
            for (int w = 0; w < vocabSize; w++)
                if (w != bosId) p[w] = interpolate(j + 1, h, lv.find((long) h * vocabSize + w), p[w]);
        }
        return p;
    }

    /** exp of the mean negative log-probability of every word and each {@code </s>} (not {@code <s>}). */
    public double perplexity(List<int[]> sentences) {
        double nll = 0;
        long tokens = 0;
        for (int[] s : sentences) {
            for (int i = 0; i <= s.length; i++) {
                nll -= logProb(s, i, i < s.length ? s[i] : eosId);
                tokens++;
            }
        }
        return Math.exp(nll / tokens);
    }

    /** Count-of-counts discounts D1, D2, D3+ of one order, as used at that order's n-grams. */
    double[] discounts(int k) { return discounts[k].clone(); }

    // ---- the model ----------------------------------------------------------------------------

    /**
     * Interpolated modified KN at order k (Chen & Goodman 1998 sec. 3.4):
     * p(w | h) = (c(hw) - D(c(hw))) / c(h .) + gamma(h) p(w | h'),
     * gamma(h) = (D1 N1(h .) + D2 N2(h .) + D3+ N3+(h .)) / c(h .). {@code node} is hw, or -1.
     * No max(., 0) is needed: D1 &lt;= 1, D2 &lt;= 2, D3+ &lt;= 3 by construction, so D(c) &lt;= c.
     */
    private double interpolate(int k, int h, int node, double lower) {
        Level ctx = levels[k - 1];
        double total = ctx.childTotal[h];
        int c = node < 0 ? 0 : levels[k].count[node];
        return (c - discount(k, c)) / total + ctx.childMass[h] / total * lower;
    }

    /**
     * The unigram level interpolates with the uniform distribution over every id but {@code <s>}, as
     * SRILM does with -interpolate, so ids never seen in training (padding, rare words) keep p > 0.
     */
    private double unigramProb(int w) {
        if (w == bosId) return 0;
        double uniform = 1.0 / uniformSupport;
        if (unigramTotal == 0) return uniform;
        int c = levels[1].count[w];
        return (c - discount(1, c)) / unigramTotal + unigramMass / unigramTotal * uniform;
    }

    private double discount(int k, int c) {
        return c == 0 ? 0 : discounts[k][Math.min(c, 3)];
    }

    /**
     * Chen & Goodman 1998 sec. 3.4: Y = n1 / (n1 + 2 n2), D1 = 1 - 2Y n2/n1, D2 = 2 - 3Y n3/n2,
     * D3+ = 3 - 4Y n4/n3, where nr is the number of n-grams of this order with (modified) count r.
     * Tiny corpora can lack some nr or give a negative D (SRILM refuses them); there we fall back to
     * the single discount Y of Ney, Essen &amp; Kneser (1994) for every count, and to 0.5 when
     * there are no singletons to estimate it from (any D in (0, 1] is then admissible).
     */
    private static double[] estimateDiscounts(int[] counts, int size) {
        long[] n = new long[5];
        for (int i = 0; i < size; i++) if (counts[i] >= 1 && counts[i] <= 4) n[counts[i]]++;
        double[] d = new double[4];
        if (n[1] > 0 && n[2] > 0 && n[3] > 0 && n[4] > 0) {
            double y = (double) n[1] / (n[1] + 2 * n[2]);
            d[1] = 1 - 2 * y * n[2] / n[1];
            d[2] = 2 - 3 * y * n[3] / n[2];
            d[3] = 3 - 4 * y * n[4] / n[3];
            if (d[1] > 0 && d[2] > 0 && d[3] > 0) return d;
        }
        double y = n[1] > 0 ? (double) n[1] / (n[1] + 2 * n[2]) : 0.5;
        d[1] = d[2] = d[3] = y;
        return d;
    }

    /**
     * The effective context: at most order-1 ids, preceded by {@code <s>} when the history starts
     * the sentence, and nothing left of a {@code <s>} (n-grams never cross it).
     */
    private int[] context(int[] history, int historyLen) {
        if (historyLen < 0 || historyLen > history.length)
            throw new IllegalArgumentException("historyLen must be in [0, " + history.length + "], got " + historyLen);
        int max = order - 1;
        int[] rev = new int[max];
        int m = 0;
        int i = historyLen - 1;
        while (m < max) {
            if (i < 0) { rev[m++] = bosId; break; }
            int w = history[i--];
            if (w < 0 || w >= vocabSize)
                throw new IllegalArgumentException("history ids must be in [0, " + vocabSize + "), got " + w);
            rev[m++] = w;
            if (w == bosId) break;
        }
        int[] ctx = new int[m];
        for (int j = 0; j < m; j++) ctx[j] = rev[m - 1 - j];
        return ctx;
    }

    /** Node of ctx[from..to) at order to-from, or -1 if that n-gram never occurred. */
    private int contextNode(int[] ctx, int from, int to) {
        int node = ctx[from];
        for (int i = from + 1; i < to && node >= 0; i++)
            node = levels[i - from + 1].find((long) node * vocabSize + ctx[i]);
        return node;
    }

    // ---- ARPA export ----------------------------------------------------------------------------

    /**
     * Writes the model as an ARPA back-off file. For interpolated KN this is exact: a listed
     * n-gram's probability is the full interpolated p(w | h), and the back-off weight of h is
     * gamma(h), because an unseen hw gets exactly gamma(h) p(w | h') (SRILM writes the same).
     * Written to a temporary file and renamed over {@code path}, so a crash leaves no half file.
     *
     * <p>The file follows the format's conventions, which KenLM enforces: the sentence start is
     * {@code <s>} (probability log10 0 = -99, with its back-off weight) and the end {@code </s>}
     * (never a context, so it carries no back-off weight). An id mapped to null (the padding id,
     * which no text contains) is left out, with every n-gram that holds it.
     *
     * @param idToWord the written form of every id; {@code idToWord[bos]} must be {@code <s>} and
     *                 {@code idToWord[eos]} {@code </s>}
     */
    public void writeArpa(Path path, String[] idToWord) throws IOException {
        if (idToWord.length < vocabSize)
            throw new IllegalArgumentException("idToWord has " + idToWord.length + " entries, need " + vocabSize);
        if (!"<s>".equals(idToWord[bosId]) || !"</s>".equals(idToWord[eosId]))
            throw new IllegalArgumentException("ARPA writes the sentence start as <s> and the end as </s>, got '"
                    + idToWord[bosId] + "' and '" + idToWord[eosId] + "'");
        for (int w = 0; w < vocabSize; w++)
            if (idToWord[w] != null && (idToWord[w].isEmpty() || idToWord[w].chars().anyMatch(Character::isWhitespace)))
                throw new IllegalArgumentException("word of id " + w + " must be non-empty without whitespace: '" + idToWord[w] + "'");

        // prob[k][node] = p(last word | the rest), computed bottom-up through suffix links;
        // written[k][node]: none of its words is left out (then, through the trie, neither are its prefixes').
        double[][] prob = new double[order + 1][];
        boolean[][] written = new boolean[order + 1][];
        int[] count = new int[order + 1];
        prob[1] = new double[vocabSize];
        written[1] = new boolean[vocabSize];
        for (int w = 0; w < vocabSize; w++) {
            prob[1][w] = unigramProb(w);
            written[1][w] = idToWord[w] != null;
            if (written[1][w]) count[1]++;
        }
        for (int k = 2; k <= order; k++) {
            Level lv = levels[k];
            prob[k] = new double[lv.size];
            written[k] = new boolean[lv.size];
            for (int node = 0; node < lv.size; node++) {
                int parent = (int) (lv.keys[node] / vocabSize);
                prob[k][node] = interpolate(k, parent, node, prob[k - 1][lv.suffix[node]]);
                written[k][node] = written[k - 1][parent] && idToWord[(int) (lv.keys[node] % vocabSize)] != null;
                if (written[k][node]) count[k]++;
            }
        }

        Path abs = path.toAbsolutePath();
        try (StagedFile tmp = StagedFile.beside(abs)) {
            try (BufferedWriter out = Files.newBufferedWriter(tmp.path(), StandardCharsets.UTF_8)) {
                out.write("\\data\\\n");
                for (int k = 1; k <= order; k++) out.write("ngram " + k + "=" + count[k] + "\n");
                StringBuilder line = new StringBuilder(128);
                int[] words = new int[order];
                for (int k = 1; k <= order; k++) {
                    out.write("\n\\" + k + "-grams:\n");
                    Level lv = levels[k];
                    for (int node = 0; node < lv.size; node++) {
                        if (!written[k][node]) continue;
                        line.setLength(0);
                        line.append(log10(prob[k][node])).append('\t');
                        int n = node;
                        for (int j = k - 1; j > 0; j--) {
                            long key = levels[j + 1].keys[n];
                            words[j] = (int) (key % vocabSize);
                            n = (int) (key / vocabSize);
                        }
                        words[0] = n;
                        for (int j = 0; j < k; j++) line.append(j == 0 ? "" : " ").append(idToWord[words[j]]);
                        if (k < order && words[k - 1] != eosId) {   // </s> is never a context: no back-off weight
                            double total = lv.childTotal[node];
                            // no continuations: back-off weight 1
                            double bow = total == 0 ? 1 : lv.childMass[node] / total;
                            line.append('\t').append(log10(bow));
                        }
                        line.append('\n');
                        out.write(line.toString());
                    }
                }
                out.write("\n\\end\\\n");
            }
            tmp.commit();
        }
    }

    private static String log10(double p) {
        return p <= 0 ? String.valueOf((int) LOG10_ZERO) : String.format(Locale.ROOT, "%.7f", Math.log10(p));
    }

    // ---- storage --------------------------------------------------------------------------------

    /** The n-grams of one order: node ids 0..size-1 in a growable open-addressing table. */
    private static final class Level {
        int size;
        long[] keys;         // parentNode * V + lastWord (unused at order 1, where node = word id)
        int[] suffix;        // node of w2..wk at order k-1
        int[] rawCount, continuation, count;
        BitSet startsWithBos = new BitSet();
        long[] childTotal;   // as a context of order k+1: c(h .)
        double[] childMass;  // as a context of order k+1: D1 N1 + D2 N2 + D3+ N3+
        private int[] slots; // node + 1, 0 = empty
        private int mask;

        private Level() {}

        Level(int capacity) {
            keys = new long[capacity];
            suffix = new int[capacity];
            rawCount = new int[capacity];
            slots = new int[capacity * 2];
            mask = slots.length - 1;
        }

        static Level dense(int vocabSize) {
            Level lv = new Level();
            lv.size = vocabSize;
            lv.rawCount = new int[vocabSize];
            return lv;
        }

        int find(long key) {
            if (slots == null) throw new IllegalStateException("order 1 is dense");
            for (int s = hash(key) & mask; ; s = (s + 1) & mask) {
                int v = slots[s];
                if (v == 0) return -1;
                if (keys[v - 1] == key) return v - 1;
            }
        }

        int add(long key) {
            if (size == keys.length) {
                int cap = keys.length * 2;
                keys = Arrays.copyOf(keys, cap);
                suffix = Arrays.copyOf(suffix, cap);
                rawCount = Arrays.copyOf(rawCount, cap);
                slots = new int[cap * 2];
                mask = slots.length - 1;
                for (int node = 0; node < size; node++) place(keys[node], node);
            }
            keys[size] = key;
            place(key, size);
            return size++;
        }

        private void place(long key, int node) {
            int s = hash(key) & mask;
            while (slots[s] != 0) s = (s + 1) & mask;
            slots[s] = node + 1;
        }

        private static int hash(long key) {
            // murmur3's 64-bit finalizer: keys parent*V+w are clustered, linear probing needs them spread
            long h = (key ^ (key >>> 33)) * 0xff51afd7ed558ccdL;
            return (int) (h ^ (h >>> 33));
        }
    }
}
