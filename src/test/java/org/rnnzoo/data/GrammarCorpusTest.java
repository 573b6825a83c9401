package org.rnnzoo.data;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GrammarCorpusTest {
    /** The size the trainer uses by default. */
    private static GrammarCorpus standard;

    @BeforeAll
    static void generateStandardCorpus() {
        standard = GrammarCorpus.generate(1, 200_000, 20_000, 20_000);
    }

    @Test
    void nextTokenDistributionSumsToOneOverTheVocabularyAtEveryPosition() {
        Set<String> vocabulary = new HashSet<>(standard.vocabulary());
        for (List<String> sentence : sentences(standard.corpus().valid(), 100)) {
            for (int i = 0; i < sentence.size(); i++) {
                Map<String, Double> dist = standard.nextTokenDistribution(sentence.subList(0, i));
                assertEquals(vocabulary, dist.keySet(), "support outside the vocabulary");
                assertEquals(1.0, dist.values().stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
                assertTrue(dist.get(sentence.get(i)) > 0, "the token that occurred must be possible");
            }
        }
    }

    @Test
    void samplerLogProbsEqualTheParsersAtEveryPosition() {
        List<String> test = standard.corpus().test();
        double[] logProbs = standard.trueLogProbs("test");
        assertEquals(test.size(), logProbs.length);
        List<String> prefix = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            double parsed = Math.log(standard.nextTokenDistribution(prefix).get(test.get(i)));
            assertEquals(parsed, logProbs[i], 1e-9, "token " + i + " '" + test.get(i) + "' after " + prefix);
            if (test.get(i).equals(Vocabulary.EOS)) prefix.clear();
            else prefix.add(test.get(i));
        }
    }

    @Test
    void sameSeedGivesTheSameCorpusAndAnotherSeedADifferentOne() {
        GrammarCorpus a = GrammarCorpus.generate(7, 5_000, 1_000, 1_000);
        GrammarCorpus b = GrammarCorpus.generate(7, 5_000, 1_000, 1_000);
        GrammarCorpus c = GrammarCorpus.generate(8, 5_000, 1_000, 1_000);
        assertEquals(a.corpus(), b.corpus());
        assertArrayEquals(a.trueLogProbs("test"), b.trueLogProbs("test"));
        assertNotEquals(a.corpus().train(), c.corpus().train());
        assertNotEquals(a.corpus().test(), c.corpus().test());
    }

    @Test
    void testTextDoesNotDependOnHowMuchTrainingTextWasAskedFor() {
        GrammarCorpus small = GrammarCorpus.generate(7, 1_000, 1_000, 1_000);
        GrammarCorpus large = GrammarCorpus.generate(7, 9_000, 1_000, 1_000);
        assertEquals(small.corpus().test(), large.corpus().test());
    }

    @Test
    void everySplitIsWholeSentencesOfAtLeastTheAskedLength() {
        GrammarCorpus g = GrammarCorpus.generate(3, 2_000, 500, 700);
        assertTrue(g.corpus().train().size() >= 2_000);
        assertTrue(g.corpus().valid().size() >= 500);
        assertTrue(g.corpus().test().size() >= 700);
        for (String split : List.of("train", "valid", "test"))
            assertEquals(Vocabulary.EOS, g.corpus().split(split).get(g.corpus().split(split).size() - 1));
    }

    @Test
    void optimalPerplexityIsModerateAndAtLeast15PercentBelowABigrams() {
        double optimal = standard.optimalPerplexity("test");
        double bigram = bigramPerplexity(standard.corpus().train(), standard.corpus().test(), standard.vocabulary());
        System.out.printf("grammar test perplexity: optimal %.3f, maximum-likelihood bigram %.3f (+%.1f%%)%n",
                optimal, bigram, 100 * (bigram / optimal - 1));
        assertTrue(optimal > 4 && optimal < 10, "optimal perplexity " + optimal);
        assertTrue(bigram >= 1.15 * optimal, "bigram " + bigram + " vs optimal " + optimal);
    }

    @Test
    void mainVerbAfterAnEmbeddedClauseAgreesWithTheMainSubject() {
        assertOnlySingularVerbs(List.of("the", "dog", "that", "the", "cats", "chase"));
        assertOnlySingularVerbs(List.of("the", "dog", "near", "the", "old", "cats"));
        assertOnlySingularVerbs(List.of("the", "dog", "that", "sees", "the", "cats"));
        // two clauses deep: "cat" is the subject of "chases", "dogs" of the verb to come
        assertOnlyPluralVerbs(List.of("the", "dogs", "that", "the", "cat", "that", "the", "men", "feed", "chases"));
    }

    private static void assertOnlySingularVerbs(List<String> prefix) {
        assertVerbMass(prefix, AgreementGrammar.GrammaticalNumber.SG);
    }

    private static void assertOnlyPluralVerbs(List<String> prefix) {
        assertVerbMass(prefix, AgreementGrammar.GrammaticalNumber.PL);
    }

    private static void assertVerbMass(List<String> prefix, AgreementGrammar.GrammaticalNumber agreeing) {
        AgreementGrammar.GrammaticalNumber other = agreeing == AgreementGrammar.GrammaticalNumber.SG ? AgreementGrammar.GrammaticalNumber.PL : AgreementGrammar.GrammaticalNumber.SG;
        Map<String, Double> dist = standard.nextTokenDistribution(prefix);
        double right = 0, wrong = 0;
        for (String v : AgreementGrammar.intransitive(agreeing)) right += dist.get(v);
        for (String v : AgreementGrammar.transitive(agreeing)) right += dist.get(v);
        for (String v : AgreementGrammar.intransitive(other)) wrong += dist.get(v);
        for (String v : AgreementGrammar.transitive(other)) wrong += dist.get(v);
        assertEquals(0.0, wrong, "mass on wrong-number verbs after " + prefix);
        assertTrue(right > 0, "some agreeing verb must be possible after " + prefix);
    }

    /** Maximum-likelihood bigram with add-1e-3 smoothing; the first token of each split follows {@code <eos>}. */
    private static double bigramPerplexity(List<String> train, List<String> test, List<String> vocabulary) {
        Map<String, Map<String, Integer>> counts = new HashMap<>();
        String previous = Vocabulary.EOS;
        for (String t : train) {
            counts.computeIfAbsent(previous, k -> new HashMap<>()).merge(t, 1, Integer::sum);
            previous = t;
        }
        double k = 1e-3, nll = 0;
        previous = Vocabulary.EOS;
        for (String t : test) {
            Map<String, Integer> row = counts.getOrDefault(previous, Map.of());
            int rowTotal = row.values().stream().mapToInt(Integer::intValue).sum();
            nll -= Math.log((row.getOrDefault(t, 0) + k) / (rowTotal + k * vocabulary.size()));
            previous = t;
        }
        return Math.exp(nll / test.size());
    }

    private static List<List<String>> sentences(List<String> tokens, int howMany) {
        List<List<String>> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < tokens.size() && out.size() < howMany; i++) {
            if (tokens.get(i).equals(Vocabulary.EOS)) {
                out.add(tokens.subList(start, i + 1));
                start = i + 1;
            }
        }
        return out;
    }
}
