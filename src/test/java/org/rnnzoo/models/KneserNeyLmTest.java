package org.rnnzoo.models;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KneserNeyLmTest {
    // A toy vocabulary: <pad> never occurs, like the zoo's padding id.
    private static final int PAD = 0, BOS = 1, EOS = 2, A = 3, B = 4, C = 5, V = 6;
    private static final String[] WORDS = {"<pad>", "<s>", "</s>", "a", "b", "c"};

    /** Zipf-like ids 3..vocab-1 so that every count-of-count is populated at the low orders. */
    private static List<int[]> randomCorpus(long seed, int sentences, int vocab) {
        Random rnd = new Random(seed);
        List<int[]> corpus = new ArrayList<>();
        for (int s = 0; s < sentences; s++) {
            int[] ids = new int[1 + rnd.nextInt(12)];
            for (int i = 0; i < ids.length; i++) ids[i] = 3 + (int) ((vocab - 3) * Math.pow(rnd.nextDouble(), 3));
            corpus.add(ids);
        }
        return corpus;
    }

    /** Histories that hit seen n-grams (training-sentence prefixes) and unseen ones (random ids, some with <s>). */
    private static List<int[]> randomHistories(List<int[]> corpus, int vocab, Random rnd, int n) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (i % 2 == 0) {
                int[] s = corpus.get(rnd.nextInt(corpus.size()));
                out.add(Arrays.copyOf(s, rnd.nextInt(s.length + 1)));
            } else {
                int[] h = new int[rnd.nextInt(7)];
                for (int j = 0; j < h.length; j++) h[j] = j > 0 && rnd.nextInt(8) == 0 ? BOS : rnd.nextInt(vocab);
                out.add(h);
            }
        }
        return out;
    }

    @Test
    void conditionalDistributionSumsToOneOverTheVocabularyForOrders2To5() {
        int vocab = 40;
        List<int[]> corpus = randomCorpus(7, 300, vocab);
        Random rnd = new Random(11);
        for (int order = 2; order <= 5; order++) {
            KneserNeyLm lm = KneserNeyLm.train(corpus, vocab, order, BOS, EOS);
            for (int[] h : randomHistories(corpus, vocab, rnd, 60)) {
                double[] p = lm.distribution(h, h.length);
                assertEquals(1.0, Arrays.stream(p).sum(), 1e-9, "order " + order + " history " + Arrays.toString(h));
                assertEquals(0.0, p[BOS], "<s> is never predicted");
                for (int w = 0; w < vocab; w++) {
                    if (w == BOS) continue;
                    assertTrue(p[w] > 0, "id " + w + " (the padding id 0 never occurs) keeps mass via the uniform floor");
                    assertEquals(Math.log(p[w]), lm.logProb(h, h.length, w), 1e-12);
                }
            }
        }
    }

    /*
     * Toy corpus, order 3, ids <pad>=0 (never seen) <s>=1 </s>=2 a=3 b=4 c=5; the uniform floor
     * spreads over the 5 ids other than <s>. Sentences: "c a c a b", "c a b c a b", "c b b", "c a b c c c".
     *
     * Unigrams, continuation counts N1+(. w): a {c}=1, b {a,b,c}=3, c {<s>,a,b,c}=4, </s> {b,c}=2;
     *   total 10; n1..n4 = 1,1,1,1 -> Y = 1/3, D1 = 1 - 2Y = 1/3, D2 = 2 - 3Y = 1, D3+ = 3 - 4Y = 5/3.
     *   gamma = (1/3 + 1 + 5/3 + 5/3)/10 = 7/15, so the floor is 7/15 * 1/5 = 7/75:
     *   p1(a) = (2/3)/10 + 7/75 = 4/25; p1(b) = (4/3)/10 + 7/75 = 17/75; p1(c) = (7/3)/10 + 7/75 = 49/150;
     *   p1(</s>) = 1/10 + 7/75 = 29/150; p1(<pad>) = 7/75.
     * Bigrams, continuation counts except "<s> c", which keeps its raw count 4 (nothing precedes <s>):
     *   ab 1, ac 1, b</s> 2 {a,b}, bb 1, bc 1, c</s> 1, ca 3 {<s>,a,b}, cb 1, cc 2 {b,c}, <s>c 4;
     *   n1..n4 = 6,2,1,1 -> Y = 6/10, D1 = 1 - 2Y(2/6) = 3/5, D2 = 2 - 3Y(1/2) = 11/10, D3+ = 3 - 4Y = 3/5.
     * Trigrams, raw counts: <s>ca 3, cab 4, ab</s> 2, abc 2, and nine singletons (<s>cb aca bb</s> bca
     *   bcc cac cbb cc</s> ccc) -> n1..n4 = 9,2,1,1, Y = 9/13, D1 = 1 - 2Y(2/9) = 9/13,
     *   D2 = 2 - 3Y(1/2) = 25/26, D3+ = 3 - 4Y = 3/13.
     */
    private static KneserNeyLm toyModel() {
        List<int[]> toy = List.of(new int[] {C, A, C, A, B}, new int[] {C, A, B, C, A, B},
                new int[] {C, B, B}, new int[] {C, A, B, C, C, C});
        return KneserNeyLm.train(toy, V, 3, BOS, EOS);
    }

    @Test
    void handComputedToyCaseMatchesChenGoodmanDiscountsAndInterpolation() {
        KneserNeyLm lm = toyModel();
        assertArrayEquals(new double[] {0, 1.0 / 3, 1, 5.0 / 3}, lm.discounts(1), 1e-12);
        assertArrayEquals(new double[] {0, 3.0 / 5, 11.0 / 10, 3.0 / 5}, lm.discounts(2), 1e-12);
        assertArrayEquals(new double[] {0, 9.0 / 13, 25.0 / 26, 3.0 / 13}, lm.discounts(3), 1e-12);

        // p(c | <s>): context <s> has one child, <s>c (raw 4, D3+ = 3/5): (4 - 3/5)/4 + (3/5)/4 * 49/150 = 0.899
        assertEquals(0.899, p(lm, new int[] {}, C), 1e-12);
        // p(a | <s> c): trigram children <s>ca 3, <s>cb 1: T = 4, gamma = (3/13 + 9/13)/4 = 3/13.
        //   p2(a | c): children ca 3, cb 1, cc 2, c</s> 1: T = 7, gamma = (3/5 + 3/5 + 11/10 + 3/5)/7 = 29/70;
        //   p2 = (3 - 3/5)/7 + 29/70 * 4/25 = 358/875.  p3 = (3 - 3/13)/4 + 3/13 * 358/875 = 8949/11375.
        assertEquals(8949.0 / 11375, p(lm, new int[] {C}, A), 1e-12);
        // p(b | c a): children cab 4, cac 1: T = 5, gamma = (3/13 + 9/13)/5 = 12/65.
        //   p2(b | a): children ab 1, ac 1: T = 2, gamma = (3/5 + 3/5)/2 = 3/5; p2 = (2/5)/2 + 3/5 * 17/75 = 42/125.
        //   p3 = (4 - 3/13)/5 + 12/65 * 42/125 = 6629/8125.
        assertEquals(6629.0 / 8125, p(lm, new int[] {C, A}, B), 1e-12);
        // p(<pad> | c a), never seen: 12/65 * 3/5 * 7/75 = 84/8125.
        assertEquals(84.0 / 8125, p(lm, new int[] {C, A}, PAD), 1e-12);
        // p(</s> | a b): children ab</s> 2, abc 2: T = 4, gamma = (25/26 + 25/26)/4 = 25/52.
        //   p2(</s> | b): children b</s> 2, bb 1, bc 1: T = 4, gamma = (11/10 + 3/5 + 3/5)/4 = 23/40;
        //   p2 = (2 - 11/10)/4 + 23/40 * 29/150 = 2017/6000.  p3 = (2 - 25/26)/4 + 25/52 * 2017/6000 = 5257/12480.
        assertEquals(5257.0 / 12480, p(lm, new int[] {A, B}, EOS), 1e-12);

        // Only the last order-1 ids count, and nothing left of an explicit <s>.
        assertEquals(lm.logProb(new int[] {C, A}, 2, B), lm.logProb(new int[] {B, B, C, A}, 4, B), 0);
        assertEquals(lm.logProb(new int[] {C}, 1, A), lm.logProb(new int[] {BOS, C}, 2, A), 0);
        assertEquals(lm.logProb(new int[] {C}, 1, A), lm.logProb(new int[] {A, B, BOS, C}, 4, A), 0);
        assertEquals(Double.NEGATIVE_INFINITY, lm.logProb(new int[] {C}, 1, BOS));
    }

    private static double p(KneserNeyLm lm, int[] history, int next) {
        return Math.exp(lm.logProb(history, history.length, next));
    }

    @Test
    void perplexityIsExpOfMinusTheMeanLogProbOfWordsAndEndOfSentence() {
        KneserNeyLm lm = toyModel();
        // "c a b </s>" and "b </s>": 6 predictions, <s> not counted.
        //   p(b | <s>) = 0 + 3/20 * p1(b) = 17/500 (<s> was only ever followed by c);
        //   p(</s> | <s> b): "<s> b" never occurred, so p2(</s> | b) = 2017/6000 (see the toy case above).
        double logSum = Math.log(0.899) + Math.log(8949.0 / 11375) + Math.log(6629.0 / 8125)
                + Math.log(5257.0 / 12480) + Math.log(17.0 / 500) + Math.log(2017.0 / 6000);
        double expected = Math.exp(-logSum / 6);
        assertEquals(expected, lm.perplexity(List.of(new int[] {C, A, B}, new int[] {B})), 1e-9 * expected);

        // and on a random corpus, token by token
        int vocab = 40;
        List<int[]> train = randomCorpus(3, 300, vocab), test = randomCorpus(4, 30, vocab);
        KneserNeyLm lm5 = KneserNeyLm.train(train, vocab, 5, BOS, EOS);
        double sum = 0;
        int tokens = 0;
        for (int[] s : test) {
            for (int i = 0; i < s.length; i++, tokens++) sum += lm5.logProb(s, i, s[i]);
            sum += lm5.logProb(s, s.length, EOS);
            tokens++;
        }
        double ppl = Math.exp(-sum / tokens);
        assertEquals(ppl, lm5.perplexity(test), 1e-9 * ppl);
    }

    @Test
    void arpaExportScoresLikeTheModelAndItsHeaderCountsMatchItsSections(@TempDir Path dir) throws IOException {
        int vocab = 40;
        String[] words = new String[vocab];
        for (int w = 0; w < vocab; w++) words[w] = w == BOS ? "<s>" : w == EOS ? "</s>" : w == PAD ? "<pad>" : "w" + w;
        List<int[]> corpus = randomCorpus(5, 300, vocab);
        Random rnd = new Random(13);
        for (int order : new int[] {2, 3, 5}) {
            KneserNeyLm lm = KneserNeyLm.train(corpus, vocab, order, BOS, EOS);
            Path file = dir.resolve("kn" + order + ".arpa");
            lm.writeArpa(file, words);
            ArpaReader arpa = ArpaReader.read(file);

            assertEquals(order, arpa.order);
            assertArrayEquals(arpa.declared, arpa.listed, "\\data\\ counts vs section lengths");
            assertEquals(vocab, arpa.listed[1], "every id is a listed unigram");
            for (int[] h : randomHistories(corpus, vocab, rnd, 80)) {
                // the ARPA view of the same history: words since the last <s>, with <s> in front
                List<String> ctx = new ArrayList<>(List.of("<s>"));
                for (int id : h) {
                    if (id == BOS) ctx.clear();
                    ctx.add(words[id]);
                }
                for (int w = 0; w < vocab; w++) {
                    if (w == BOS) continue;
                    double expected = lm.logProb(h, h.length, w) / Math.log(10);
                    assertEquals(expected, arpa.log10Prob(ctx, w == BOS ? "<s>" : words[w]), 1e-4,
                            "order " + order + " " + ctx + " -> " + words[w]);
                }
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(3, files.count(), "no temporary file left behind");
        }
    }
}
