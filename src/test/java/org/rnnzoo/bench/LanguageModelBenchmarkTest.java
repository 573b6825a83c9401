package org.rnnzoo.bench;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.rnnzoo.Zoo;
import org.rnnzoo.datasets.TokenCorpus;
import org.rnnzoo.data.Vocabulary;
import org.rnnzoo.models.ModelCard;
import org.rnnzoo.models.ModelRegistry;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LanguageModelBenchmarkTest {
    @Test
    void theFlopCountIsTheGateProductsOfEveryLayerAndTheOutputLayerThreeTimes() {
        ModelCard ptbSmall = Zoo.card("lstm-lm").withAll(List.of("embedding=200", "hidden=200", "layers=2"));
        // per token, forward: layer 1 [x, h] (400) · [400, 800], layer 2 the same, output 200 · 10,002; ×2 per
        // multiply-add; ×3 for forward + the two backward products
        double byHand = 3 * (2.0 * 400 * 800 + 2.0 * 400 * 800 + 2.0 * 200 * 10_002);
        assertEquals(byHand, LanguageModelBenchmark.trainingFlopsPerToken(ptbSmall, 10_002), 0);
    }

    @Test
    void reportsEveryRepeatInTheOrderTimedAndTheirMedian() {
        ModelCard card = Zoo.card("lstm-lm").withAll(List.of("grammar_tokens=20000", "hidden=16", "embedding=8", "batch=4", "bptt=5"));
        TokenCorpus corpus = Zoo.corpus(card, null).corpus();
        Vocabulary vocab = Vocabulary.build(corpus.train(), card.getInt("min_count"), card.getInt("max_size"));
        ComputationGraph net = ModelRegistry.build(card, vocab.size());
        Map<String, Object> r = LanguageModelBenchmark.run(net, card, vocab, vocab.encode(corpus.train()), vocab.encode(corpus.valid()),
                new LanguageModelBenchmark.Settings(2, 3, 5, 20));
        long[] repeats = (long[]) r.get("train_tokens_per_s_repeats");
        assertEquals(5, repeats.length);
        long[] sorted = repeats.clone();
        java.util.Arrays.sort(sorted);
        // the headline figure is the median repeat (from the median ms/step, so equal up to rounding)
        assertEquals(sorted[2], (double) r.get("train_tokens_per_s"), 1.0);
        assertTrue((double) r.get("train_ms_per_step_min") <= (double) r.get("train_ms_per_step"));
        assertTrue((double) r.get("train_ms_per_step") <= (double) r.get("train_ms_per_step_max"));
        assertTrue((double) r.get("sample_tokens_per_s") > 0 && (double) r.get("score_tokens_per_s") > 0);
        double kept = (double) r.get("sample_proposals_kept");
        assertTrue(kept > 0 && kept <= 1, "kept fraction " + kept);
        assertEquals(0L, r.get("sample_bounds_broken"));
    }
}
