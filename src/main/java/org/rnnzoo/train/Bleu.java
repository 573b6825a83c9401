package org.rnnzoo.train;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Corpus BLEU-4 (Papineni et al. 2002) as SacreBLEU computes it by default (Post 2018): both sides
 * tokenised with mteval's 13a rules, clipped n-gram matches and n-gram counts summed over the whole
 * corpus before the precisions are taken, geometric mean of the four precisions, brevity penalty
 * exp(1 − r/c) when the output is shorter than the references (r: per sentence the closest reference
 * length, the shorter on a tie), and SacreBLEU's default {@code exp} smoothing: the k-th precision
 * with no match counts as 1 / (2^k · total) instead of making the score 0 — except the unigrams: an
 * output with no word right scores 0. Scores are 0–100.
 */
public final class Bleu {
    public static final int ORDER = 4;
    // mteval-v13a's tokeniser, as sacrebleu/tokenizers/tokenizer_13a.py and tokenizer_re.py apply it
    private static final Pattern SYMBOLS = Pattern.compile("([\\{-~\\[-` -&(-+:-@/])");
    private static final Pattern PERIOD_COMMA_AFTER = Pattern.compile("([^0-9])([\\.,])");
    private static final Pattern PERIOD_COMMA_BEFORE = Pattern.compile("([\\.,])([^0-9])");
    private static final Pattern DASH_AFTER_DIGIT = Pattern.compile("([0-9])(-)");

    /** The counts behind a score, for reports and tests. */
    public record Stats(long[] matches, long[] totals, long outputLength, long referenceLength) {
        public double precision(int n) { return totals[n - 1] == 0 ? 0 : 100.0 * matches[n - 1] / totals[n - 1]; }

        public double brevityPenalty() {
            if (outputLength == 0) return 0;
            return outputLength < referenceLength ? Math.exp(1 - (double) referenceLength / outputLength) : 1;
        }

        /** BLEU in 0–100. */
        public double score() {
            if (matches[0] == 0) return 0;   // no word right: 0, not smoothed (SacreBLEU's compute_bleu, its issue #141)
            double logSum = 0, smooth = 1;
            for (int n = 1; n <= ORDER; n++) {
                if (totals[n - 1] == 0) return 0;   // an output shorter than n everywhere
                double p;
                if (matches[n - 1] == 0) { smooth *= 2; p = 100.0 / (smooth * totals[n - 1]); }
                else p = 100.0 * matches[n - 1] / totals[n - 1];
                logSum += Math.log(p);
            }
            return brevityPenalty() * Math.exp(logSum / ORDER);
        }
    }

    private Bleu() {}

    /** 13a tokenisation of one detokenised line; returns the tokens joined by single spaces. */
    public static String tokenize13a(String line) {
        String s = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
        if (s.contains("&")) s = s.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        s = " " + s + " ";
        s = SYMBOLS.matcher(s).replaceAll(" $1 ");
        s = PERIOD_COMMA_AFTER.matcher(s).replaceAll("$1 $2 ");
        s = PERIOD_COMMA_BEFORE.matcher(s).replaceAll(" $1 $2");
        s = DASH_AFTER_DIGIT.matcher(s).replaceAll("$1 $2 ");
        return String.join(" ", s.trim().split("\\s+")).trim();
    }

    /** Corpus BLEU of detokenised outputs against one or more references each. */
    public static double corpus(List<String> outputs, List<List<String>> references) { return stats(outputs, references).score(); }

    public static Stats stats(List<String> outputs, List<List<String>> references) {
        if (outputs.size() != references.size())
            throw new IllegalArgumentException(outputs.size() + " outputs but " + references.size() + " reference sets");
        long[] matches = new long[ORDER], totals = new long[ORDER];
        long outLength = 0, refLength = 0;
        for (int i = 0; i < outputs.size(); i++) {
            String[] out = words(outputs.get(i));
            Map<String, Integer> maxRef = new HashMap<>();
            int closest = -1;
            for (String r : references.get(i)) {
                String[] ref = words(r);
                int diff = Math.abs(ref.length - out.length), best = closest < 0 ? Integer.MAX_VALUE : Math.abs(closest - out.length);
                if (closest < 0 || diff < best || (diff == best && ref.length < closest)) closest = ref.length;
                ngrams(ref).forEach((g, c) -> maxRef.merge(g, c, Math::max));
            }
            outLength += out.length;
            refLength += Math.max(0, closest);
            for (Map.Entry<String, Integer> e : ngrams(out).entrySet()) {
                int n = e.getKey().split(" ", -1).length;
                totals[n - 1] += e.getValue();
                matches[n - 1] += Math.min(e.getValue(), maxRef.getOrDefault(e.getKey(), 0));
            }
        }
        return new Stats(matches, totals, outLength, refLength);
    }

    private static String[] words(String line) {
        String t = tokenize13a(line);
        return t.isEmpty() ? new String[0] : t.split(" ");
    }

    /** Counts of every 1- to 4-gram, keyed by the tokens joined with spaces. */
    private static Map<String, Integer> ngrams(String[] w) {
        Map<String, Integer> counts = new HashMap<>();
        for (int n = 1; n <= ORDER; n++)
            for (int i = 0; i + n <= w.length; i++) counts.merge(String.join(" ", java.util.Arrays.copyOfRange(w, i, i + n)), 1, Integer::sum);
        return counts;
    }
}
