package org.rnnzoo.data;

import org.rnnzoo.datasets.LabelledSentences;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The built-in, offline sentence-classification corpus: seeded "reviews" of neutral words with one
 * to three opinion words, each of which a negator ("not", "never", possibly with an adverb between:
 * "not very good") may flip. The label is the sign of the summed polarities, so it is a function
 * of the sentence (the Bayes accuracy is 100%), but only for a model that reads a negator together
 * with the word after it, and counts — the lecture's "the movie was terribly exciting!" in
 * miniature. Sentences whose polarities cancel are not generated.
 */
public final class NegationSentiment {
    public static final String NAME = "negation";
    /** The same sentences as a tagging corpus. */
    public static final String TAGGED_NAME = NAME + "-tags";
    public static final List<String> CLASSES = List.of("negative", "positive");
    private static final List<String> POSITIVE = List.of("good", "great", "fine", "excellent", "wonderful", "pleasant",
            "brilliant", "lovely", "moving", "funny");
    private static final List<String> NEGATIVE = List.of("bad", "awful", "poor", "terrible", "boring", "dull", "weak",
            "horrible", "bland", "silly");
    private static final List<String> NEGATORS = List.of("not", "never");
    private static final List<String> ADVERBS = List.of("very", "really", "quite", "so");
    private static final List<String> NEUTRAL = List.of("the", "movie", "film", "plot", "was", "is", "story", "acting",
            "and", "a", "this", "it", "cast", "ending", "director", "music", "with", "of", "in", "script");

    private NegationSentiment() {}

    /** {@code train} examples, and a tenth of that each for valid and test, from one seed. */
    public static LabelledSentences generate(long seed, int train) {
        SplittableRandom r = new SplittableRandom(seed);
        int held = Math.max(1, train / 10);
        return new LabelledSentences(NAME, CLASSES, examples(r, train), examples(r, held), examples(r, held), 0);
    }

    private static List<LabelledSentences.Example> examples(SplittableRandom r, int n) {
        List<LabelledSentences.Example> out = new ArrayList<>(n);
        while (out.size() < n) {
            List<String> words = new ArrayList<>();
            int opinions = 1 + r.nextInt(3), score = 0;
            for (int k = 0; k < opinions; k++) {
                for (int f = r.nextInt(4); f > 0; f--) words.add(pick(r, NEUTRAL));
                int polarity = r.nextBoolean() ? 1 : -1;
                if (r.nextInt(10) < 3) {   // negated: "not good", "never very funny"
                    words.add(pick(r, NEGATORS));
                    if (r.nextInt(3) == 0) words.add(pick(r, ADVERBS));
                    score -= polarity;
                } else {
                    if (r.nextInt(4) == 0) words.add(pick(r, ADVERBS));
                    score += polarity;
                }
                words.add(pick(r, polarity > 0 ? POSITIVE : NEGATIVE));
            }
            for (int f = r.nextInt(3); f > 0; f--) words.add(pick(r, NEUTRAL));
            if (score != 0) out.add(new LabelledSentences.Example(score > 0 ? 1 : 0, words));
        }
        return out;
    }

    /** The tags of {@link #tagged}: filler, adverb, negator, and an opinion word's polarity after negation. */
    public static final List<String> TAGS = List.of("O", "ADV", "NOT", "POS", "NEG");

    /**
     * The same sentences as a tagging corpus ({@code negation-tags}): every word gets its role, and an
     * opinion word the polarity it has in context ("not good" → NOT NEG), so a tagger must read the
     * words before it.
     */
    public static org.rnnzoo.datasets.TaggedSentences tagged(long seed, int train) {
        LabelledSentences s = generate(seed, train);
        return new org.rnnzoo.datasets.TaggedSentences(TAGGED_NAME, TAGS, tag(s.train()), tag(s.valid()), tag(s.test()));
    }

    private static List<org.rnnzoo.datasets.TaggedSentences.Example> tag(List<LabelledSentences.Example> sentences) {
        List<org.rnnzoo.datasets.TaggedSentences.Example> out = new ArrayList<>(sentences.size());
        for (LabelledSentences.Example e : sentences) {
            int[] tags = new int[e.tokens().size()];
            boolean negated = false;
            for (int i = 0; i < tags.length; i++) {
                String w = e.tokens().get(i);
                if (NEGATORS.contains(w)) { tags[i] = TAGS.indexOf("NOT"); negated = true; continue; }
                if (ADVERBS.contains(w)) { tags[i] = TAGS.indexOf("ADV"); continue; }
                boolean positive = POSITIVE.contains(w);
                if (positive || NEGATIVE.contains(w)) {
                    tags[i] = TAGS.indexOf(positive != negated ? "POS" : "NEG");
                } else {
                    tags[i] = TAGS.indexOf("O");
                }
                negated = false;
            }
            out.add(new org.rnnzoo.datasets.TaggedSentences.Example(e.tokens(), tags));
        }
        return out;
    }

    private static String pick(SplittableRandom r, List<String> words) { return words.get(r.nextInt(words.size())); }
}
