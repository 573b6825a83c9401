package org.rnnzoo.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The probabilistic grammar behind {@link GrammarCorpus}: its lexicon, its choice probabilities,
 * and the same language written as a probabilistic context-free grammar ({@link #rules()}).
 *
 * <pre>
 *   S        -> NP(n,0) VP(n,0) &lt;eos&gt;                   n = sg | pl, m likewise, independently
 *   NP(n,d)  -> DET(n) [ADJ [ADJ]] NOUN(n) MOD(n,d)
 *   MOD(n,d) -> ε | PP | RC(n,d)                        RC only while d &lt; 2, rarer when deeper
 *   RC(n,d)  -> that VP(n,d+1)                          subject relative: "the dog that chases the cats"
 *            |  that NP(m,d+1) VT(m)                    object relative:  "the dog that the cats chase"
 *   VP(n,d)  -> VI(n) [ADV] | VT(n) NP(m,d)             the verb agrees with its subject's number n
 *   PP       -> PREP DET(m) [ADJ [ADJ]] NOUN(m)         an attractor: "the dog near the cats runs"
 * </pre>
 *
 * Every word belongs to one category and one number, and the categories that may follow any point
 * are disjoint, so each random choice is revealed by the very next token. That is what lets
 * {@link SentenceSampler} read the exact next-token probability off its own choices;
 * {@link PrefixParser} recomputes it from {@link #rules()} without that assumption.
 */
final class AgreementGrammar {
    enum GrammaticalNumber { SG, PL }

    static final String EOS = Vocabulary.EOS;
    static final String THE = "the", A = "a", SOME = "some", THAT = "that";

    // Singular/plural pairs at the same index, so a number is a choice of list, not of word.
    static final List<String> NOUNS_SG = List.of("dog", "cat", "man", "woman", "bird", "child", "farmer", "teacher");
    static final List<String> NOUNS_PL = List.of("dogs", "cats", "men", "women", "birds", "children", "farmers", "teachers");
    static final List<String> INTRANSITIVE_SG = List.of("runs", "sleeps", "sings", "laughs", "waits");
    static final List<String> INTRANSITIVE_PL = List.of("run", "sleep", "sing", "laugh", "wait");
    static final List<String> TRANSITIVE_SG = List.of("chases", "sees", "likes", "feeds", "helps");
    static final List<String> TRANSITIVE_PL = List.of("chase", "see", "like", "feed", "help");
    static final List<String> ADJECTIVES = List.of("big", "small", "old", "young", "happy", "lazy");
    static final List<String> PREPOSITIONS = List.of("near", "with", "behind");
    static final List<String> ADVERBS = List.of("quickly", "often", "again");

    /** Every noun phrase is singular with this probability, independently of the others. */
    static final double P_SINGULAR = 0.5;
    /** P(the | number); otherwise "a" (singular) or "some" (plural), so "the" hides the number until the noun. */
    static final double P_THE = 0.6;
    static final double P_FIRST_ADJECTIVE = 0.3, P_SECOND_ADJECTIVE = 0.2;
    static final double P_PREPOSITIONAL_PHRASE = 0.15;
    /** Relative clause on a noun at embedding depth d; zero at depth 2 caps nesting at two clauses. */
    static final double[] P_RELATIVE_CLAUSE = {0.35, 0.2, 0.0};
    static final double P_SUBJECT_RELATIVE = 0.5;
    static final double P_TRANSITIVE = 0.5;
    static final double P_ADVERB = 0.2;

    private AgreementGrammar() {}

    static List<String> nouns(GrammaticalNumber n) { return n == GrammaticalNumber.SG ? NOUNS_SG : NOUNS_PL; }
    static List<String> intransitive(GrammaticalNumber n) { return n == GrammaticalNumber.SG ? INTRANSITIVE_SG : INTRANSITIVE_PL; }
    static List<String> transitive(GrammaticalNumber n) { return n == GrammaticalNumber.SG ? TRANSITIVE_SG : TRANSITIVE_PL; }
    static String numberedDeterminer(GrammaticalNumber n) { return n == GrammaticalNumber.SG ? A : SOME; }
    static double pNumber(GrammaticalNumber n) { return n == GrammaticalNumber.SG ? P_SINGULAR : 1 - P_SINGULAR; }
    static int maxDepth() { return P_RELATIVE_CLAUSE.length - 1; }

    /** All words, grouped by category, then {@code <eos>}. */
    static List<String> vocabulary() {
        List<String> words = new ArrayList<>(List.of(THE, A, SOME));
        words.addAll(ADJECTIVES);
        words.addAll(NOUNS_SG);
        words.addAll(NOUNS_PL);
        words.addAll(INTRANSITIVE_SG);
        words.addAll(INTRANSITIVE_PL);
        words.addAll(TRANSITIVE_SG);
        words.addAll(TRANSITIVE_PL);
        words.add(THAT);
        words.addAll(PREPOSITIONS);
        words.addAll(ADVERBS);
        words.add(EOS);
        return List.copyOf(words);
    }

    /** One expansion of a nonterminal; an empty {@code rhs} is ε. */
    record Rule(double p, List<String> rhs) {}

    static final String START = "S";

    /**
     * The grammar as a PCFG over nonterminals named like {@code NP/sg/1}; a symbol without rules is
     * a word. Unlike {@link SentenceSampler}, it picks the number of a noun phrase up front (before
     * the determiner that does not reveal it), so it is a genuinely different description of the
     * same distribution.
     */
    static Map<String, List<Rule>> rules() {
        Map<String, List<Rule>> g = new LinkedHashMap<>();
        for (GrammaticalNumber n : GrammaticalNumber.values()) {
            String s = tag(n);
            add(g, "S", pNumber(n), "NP/" + s + "/0", "VP/" + s + "/0", EOS);
            add(g, "DET/" + s, P_THE, THE);
            add(g, "DET/" + s, 1 - P_THE, numberedDeterminer(n));
            uniform(g, "NOUN/" + s, nouns(n));
            uniform(g, "VI/" + s, intransitive(n));
            uniform(g, "VT/" + s, transitive(n));
            add(g, "SIMPLE_NP/" + s, 1, "DET/" + s, "ADJS", "NOUN/" + s);
            add(g, "PP", pNumber(n), "PREP", "SIMPLE_NP/" + s);
            for (int d = 0; d <= maxDepth(); d++) {
                String mod = "MOD/" + s + "/" + d;
                add(g, "NP/" + s + "/" + d, 1, "DET/" + s, "ADJS", "NOUN/" + s, mod);
                add(g, mod, 1 - P_PREPOSITIONAL_PHRASE - P_RELATIVE_CLAUSE[d]);
                add(g, mod, P_PREPOSITIONAL_PHRASE, "PP");
                add(g, mod, P_RELATIVE_CLAUSE[d], "RC/" + s + "/" + d);
                if (d < maxDepth()) {
                    String rc = "RC/" + s + "/" + d;
                    add(g, rc, P_SUBJECT_RELATIVE, THAT, "VP/" + s + "/" + (d + 1));
                    for (GrammaticalNumber m : GrammaticalNumber.values())
                        add(g, rc, (1 - P_SUBJECT_RELATIVE) * pNumber(m), THAT, "NP/" + tag(m) + "/" + (d + 1), "VT/" + tag(m));
                }
                String vp = "VP/" + s + "/" + d;
                add(g, vp, 1 - P_TRANSITIVE, "VI/" + s, "ADV?");
                for (GrammaticalNumber m : GrammaticalNumber.values())
                    add(g, vp, P_TRANSITIVE * pNumber(m), "VT/" + s, "NP/" + tag(m) + "/" + d);
            }
        }
        add(g, "ADJS", 1 - P_FIRST_ADJECTIVE);
        add(g, "ADJS", P_FIRST_ADJECTIVE, "ADJ", "ADJ?");
        add(g, "ADJ?", 1 - P_SECOND_ADJECTIVE);
        add(g, "ADJ?", P_SECOND_ADJECTIVE, "ADJ");
        uniform(g, "ADJ", ADJECTIVES);
        uniform(g, "PREP", PREPOSITIONS);
        add(g, "ADV?", 1 - P_ADVERB);
        add(g, "ADV?", P_ADVERB, "ADV");
        uniform(g, "ADV", ADVERBS);
        g.replaceAll((lhs, rs) -> Collections.unmodifiableList(rs));
        return Collections.unmodifiableMap(g);
    }

    private static String tag(GrammaticalNumber n) { return n == GrammaticalNumber.SG ? "sg" : "pl"; }

    private static void add(Map<String, List<Rule>> g, String lhs, double p, String... rhs) {
        if (p > 0) g.computeIfAbsent(lhs, k -> new ArrayList<>()).add(new Rule(p, List.of(rhs)));
    }

    private static void uniform(Map<String, List<Rule>> g, String lhs, List<String> words) {
        for (String w : words) add(g, lhs, 1.0 / words.size(), w);
    }
}
