package org.rnnzoo.data;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exact next-token distribution of a probabilistic context-free grammar after a prefix, by
 * summing over every leftmost derivation: P(w | prefix) = P(prefix w ...) / P(prefix ...).
 * It assumes nothing about ambiguity, which is why it can check {@link SentenceSampler}'s
 * shortcut of multiplying choice probabilities. Needs a grammar without left recursion whose
 * derivations are finite (true of {@link AgreementGrammar#rules()}: nesting is depth-capped).
 */
final class PrefixParser {
    private final Map<String, List<AgreementGrammar.Rule>> rules;
    private final String start;
    private final List<String> vocabulary;

    PrefixParser(Map<String, List<AgreementGrammar.Rule>> rules, String start, List<String> vocabulary) {
        this.rules = rules;
        this.start = start;
        this.vocabulary = vocabulary;
    }

    /** Every vocabulary word in vocabulary order, zeros included; throws if the prefix is impossible. */
    Map<String, Double> nextTokenDistribution(List<String> prefix) {
        Map<String, Double> mass = new LinkedHashMap<>();
        for (String w : vocabulary) mass.put(w, 0.0);
        expand(new Stack(start, null), prefix, 0, 1.0, mass);
        double total = mass.values().stream().mapToDouble(Double::doubleValue).sum();
        if (!(total > 0)) throw new IllegalArgumentException("the grammar cannot produce the prefix " + prefix);
        mass.replaceAll((w, m) -> m / total);
        return mass;
    }

    /** Symbols still to derive, leftmost first; shared tails keep each branch O(1) to extend. */
    private record Stack(String head, Stack tail) {}

    private void expand(Stack todo, List<String> prefix, int matched, double p, Map<String, Double> mass) {
        if (todo == null) return;   // derivation ended before producing another token
        List<AgreementGrammar.Rule> expansions = rules.get(todo.head());
        if (expansions == null) {   // a word
            if (matched == prefix.size()) mass.merge(todo.head(), p, Double::sum);
            else if (todo.head().equals(prefix.get(matched))) expand(todo.tail(), prefix, matched + 1, p, mass);
            return;
        }
        for (AgreementGrammar.Rule r : expansions) {
            Stack next = todo.tail();
            for (int i = r.rhs().size() - 1; i >= 0; i--) next = new Stack(r.rhs().get(i), next);
            expand(next, prefix, matched, p * r.p(), mass);
        }
    }
}
