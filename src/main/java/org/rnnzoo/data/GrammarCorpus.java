package org.rnnzoo.data;

import org.rnnzoo.datasets.TokenCorpus;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The built-in offline corpus: sentences drawn from a seeded probabilistic grammar whose true
 * next-token distribution is known, so a model's perplexity can be printed next to the best
 * perplexity any model could reach on the same text (see {@link #description()}).
 */
public final class GrammarCorpus {
    private static final List<String> SPLITS = List.of("train", "valid", "test");

    private final TokenCorpus corpus;
    private final double[][] trueLogProbs;   // indexed like SPLITS
    private final PrefixParser parser =
            new PrefixParser(AgreementGrammar.rules(), AgreementGrammar.START, AgreementGrammar.vocabulary());

    private GrammarCorpus(TokenCorpus corpus, double[][] trueLogProbs) {
        this.corpus = corpus;
        this.trueLogProbs = trueLogProbs;
    }

    /**
     * Whole sentences until each split has at least the asked number of tokens. Each split draws
     * from its own generator split off the seed up front, so the test text does not depend on
     * how much training text was asked for.
     */
    public static GrammarCorpus generate(long seed, int trainTokens, int validTokens, int testTokens) {
        SplittableRandom root = new SplittableRandom(seed);
        int[] sizes = {trainTokens, validTokens, testTokens};
        SentenceSampler[] samplers = new SentenceSampler[SPLITS.size()];
        for (int i = 0; i < samplers.length; i++) samplers[i] = new SentenceSampler(root.split());
        double[][] logProbs = new double[SPLITS.size()][];
        for (int i = 0; i < samplers.length; i++) {
            samplers[i].sampleUntil(sizes[i]);
            logProbs[i] = samplers[i].logProbs();
        }
        TokenCorpus corpus = new TokenCorpus("grammar", TokenCorpus.Level.WORD,
                samplers[0].tokens(), samplers[1].tokens(), samplers[2].tokens());
        return new GrammarCorpus(corpus, logProbs);
    }

    public TokenCorpus corpus() { return corpus; }

    /** Natural-log p(token_i | sentence so far) under the grammar, aligned with {@code corpus().split(split)}. */
    public double[] trueLogProbs(String split) {
        int i = SPLITS.indexOf(split);
        if (i < 0) throw new IllegalArgumentException("unknown split '" + split + "' (expected " + String.join(", ", SPLITS) + ")");
        return trueLogProbs[i].clone();
    }

    /** The perplexity of the grammar itself: no model can do better in expectation. */
    public double optimalPerplexity(String split) {
        return Math.exp(-Arrays.stream(trueLogProbs(split)).average().orElse(Double.NaN));
    }

    /**
     * The exact distribution of the next token after the words of the current sentence, computed
     * by parsing (independently of the sampler's bookkeeping); every vocabulary word is a key.
     */
    public Map<String, Double> nextTokenDistribution(List<String> prefixSinceEos) {
        if (prefixSinceEos.contains(AgreementGrammar.EOS))
            throw new IllegalArgumentException("the prefix must start after the last " + AgreementGrammar.EOS + ": " + prefixSinceEos);
        return parser.nextTokenDistribution(prefixSinceEos);
    }

    public List<String> vocabulary() { return AgreementGrammar.vocabulary(); }

    public static String description() {
        return "grammar: sentences from a seeded probabilistic grammar of " + AgreementGrammar.vocabulary().size()
                + " words (<eos> included). A noun phrase is a determiner, up to two adjectives and a singular or"
                + " plural noun, optionally followed by a prepositional phrase ('near the cats') or a relative"
                + " clause, subject-relative ('that chases the men') or object-relative ('that the men chase'),"
                + " nested at most two deep; every verb agrees in number with its own subject. In 'the dog that"
                + " the cats chase runs' the choice of 'runs' over 'run' depends on 'dog', several words back"
                + " across another noun and verb of the opposite number, so a model needs memory of the sentence"
                + " (and of how deep in a clause it is) to match the grammar; a bigram cannot. Each choice is"
                + " revealed by the next word, so the true probability of every token is known exactly and"
                + " the optimal perplexity is reported next to the model's.";
    }
}
