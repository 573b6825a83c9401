package org.rnnzoo.data;

import static org.rnnzoo.data.AgreementGrammar.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws sentences from {@link AgreementGrammar} left to right, making each random choice only when
 * the next word needs it. Because every choice is revealed by the very next token, the probability
 * of a token given the sentence so far is exactly the product of the choices made since the
 * previous token; the sampler records its log alongside the token.
 */
final class SentenceSampler {
    private final SplittableRandom rng;
    private final List<String> tokens = new ArrayList<>();
    private double[] logProbs = new double[1024];
    /** log-probability of the choices made since the last emitted token */
    private double pending;

    SentenceSampler(SplittableRandom rng) { this.rng = rng; }

    /** Appends whole sentences, each ending in {@code <eos>}, until at least {@code minTokens} are out. */
    void sampleUntil(int minTokens) {
        while (tokens.size() < minTokens) sentence();
    }

    List<String> tokens() { return List.copyOf(tokens); }

    double[] logProbs() { return Arrays.copyOf(logProbs, tokens.size()); }

    private void sentence() {
        GrammaticalNumber subject = nounPhrase(0);
        verbPhrase(subject, 0);
        emit(EOS);
    }

    private GrammaticalNumber nounPhrase(int depth) {
        GrammaticalNumber n = simpleNounPhrase();
        double u = rng.nextDouble();
        if (u < P_PREPOSITIONAL_PHRASE) {
            choice(P_PREPOSITIONAL_PHRASE);
            emit(pick(PREPOSITIONS));
            simpleNounPhrase();
        } else if (u < P_PREPOSITIONAL_PHRASE + P_RELATIVE_CLAUSE[depth]) {
            choice(P_RELATIVE_CLAUSE[depth]);
            relativeClause(n, depth);
        } else {
            choice(1 - P_PREPOSITIONAL_PHRASE - P_RELATIVE_CLAUSE[depth]);
        }
        return n;
    }

    /** Determiner, up to two adjectives, noun; returns the number the noun revealed. */
    private GrammaticalNumber simpleNounPhrase() {
        GrammaticalNumber n = null;
        if (flip(P_THE)) {
            emit(THE);
        } else {
            n = number();
            emit(numberedDeterminer(n));
        }
        if (flip(P_FIRST_ADJECTIVE)) {
            emit(pick(ADJECTIVES));
            if (flip(P_SECOND_ADJECTIVE)) emit(pick(ADJECTIVES));
        }
        // After "the" the number is drawn only now: an adjective would not reveal it.
        if (n == null) n = number();
        emit(pick(nouns(n)));
        return n;
    }

    private void relativeClause(GrammaticalNumber head, int depth) {
        emit(THAT);
        if (flip(P_SUBJECT_RELATIVE)) {
            verbPhrase(head, depth + 1);                            // "the dog that chases the cats"
        } else {
            GrammaticalNumber inner = nounPhrase(depth + 1);        // "the dog that the cats chase"
            emit(pick(transitive(inner)));
        }
    }

    private void verbPhrase(GrammaticalNumber subject, int depth) {
        if (flip(P_TRANSITIVE)) {
            emit(pick(transitive(subject)));
            nounPhrase(depth);
        } else {
            emit(pick(intransitive(subject)));
            if (flip(P_ADVERB)) emit(pick(ADVERBS));
        }
    }

    private GrammaticalNumber number() {
        return flip(P_SINGULAR) ? GrammaticalNumber.SG : GrammaticalNumber.PL;
    }

    private boolean flip(double p) {
        boolean yes = rng.nextDouble() < p;
        choice(yes ? p : 1 - p);
        return yes;
    }

    private String pick(List<String> words) {
        choice(1.0 / words.size());
        return words.get(rng.nextInt(words.size()));
    }

    private void choice(double p) { pending += Math.log(p); }

    private void emit(String token) {
        if (tokens.size() == logProbs.length) logProbs = Arrays.copyOf(logProbs, 2 * logProbs.length);
        logProbs[tokens.size()] = pending;
        tokens.add(token);
        pending = 0;
    }
}
