package org.rnnzoo.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnzoo.Zoo;
import org.rnnzoo.datasets.DatasetStore;
import org.rnnzoo.datasets.SentencePairs;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seq2seq cards' train_pairs (a seeded subset of a real dataset's training pairs) and eval_sources (of dev's and
 * test's distinct sources, each with all of its references).
 */
class TrainPairsSubsetTest {
    @TempDir
    Path cache;

    @Test
    void trainPairsKeepsThatManyTrainingPairsDrawnBySeedAndLeavesDevAndTestWhole() {
        DatasetStore store = new DatasetStore(cache, Path.of(System.getProperty("zoo.mirror"))).offline();
        SentencePairs all = Corpora.pairs("cmudict-g2p", 42, 0, 22, 0, 0, store);
        SentencePairs some = Corpora.pairs("cmudict-g2p", 42, 0, 22, 500, 0, store);
        assertEquals(108_952, all.train().size(), "0 keeps every training pair");
        assertEquals(500, some.train().size());
        assertEquals(all.valid(), some.valid());
        assertEquals(all.test(), some.test());
        // a sub-multiset of the training split, in file order
        Map<SentencePairs.Pair, Integer> left = new HashMap<>(), first = new HashMap<>();
        for (int i = 0; i < all.train().size(); i++) {
            left.merge(all.train().get(i), 1, Integer::sum);
            first.putIfAbsent(all.train().get(i), i);
        }
        for (SentencePairs.Pair p : some.train()) assertTrue(left.merge(p, -1, Integer::sum) >= 0, "not a training pair: " + p);
        List<Integer> positions = some.train().stream().map(first::get).toList();
        assertEquals(positions.stream().sorted().toList(), positions, "kept in the file's order");
        // drawn at random, not the file's first 500 (CMUdict is alphabetical)
        assertNotEquals(all.train().subList(0, 500), some.train());
        assertEquals(some.train(), Corpora.pairs("cmudict-g2p", 42, 0, 22, 500, 0, store).train(), "the same seed, the same pairs");
        assertNotEquals(some.train(), Corpora.pairs("cmudict-g2p", 7, 0, 22, 500, 0, store).train());
        assertEquals(all.train(), Corpora.pairs("cmudict-g2p", 42, 0, 22, 200_000, 0, store).train(), "more than there are: all of them");
    }

    @Test
    void evalSourcesKeepsThatManyDistinctSourcesWithAllTheirReferences() {
        DatasetStore store = new DatasetStore(cache, Path.of(System.getProperty("zoo.mirror"))).offline();
        SentencePairs all = Corpora.pairs("cmudict-g2p", 42, 0, 22, 0, 0, store);
        SentencePairs some = Corpora.pairs("cmudict-g2p", 42, 0, 22, 0, 100, store);
        assertEquals(all.train(), some.train());
        for (String split : List.of("valid", "test")) {
            Map<List<String>, Long> full = references(all.split(split)), kept = references(some.split(split));
            assertEquals(100, kept.size(), split + ": distinct sources");
            kept.forEach((source, n) -> assertEquals(full.get(source), n, split + ": every reference of " + source));
            if (split.equals("test")) assertTrue(kept.values().stream().anyMatch(n -> n > 1), "the sample holds a word with two pronunciations");
        }
        assertNotEquals(all.valid().subList(0, some.valid().size()), some.valid(), "drawn at random, not the first words");
    }

    private static Map<List<String>, Long> references(List<SentencePairs.Pair> pairs) {
        Map<List<String>, Long> n = new HashMap<>();
        pairs.forEach(p -> n.merge(p.source(), 1L, Long::sum));
        return n;
    }

    @Test
    void theCardKeysReachTheTask() {
        DatasetStore store = new DatasetStore(cache, Path.of(System.getProperty("zoo.mirror"))).offline();
        var task = Zoo.task(Zoo.card("seq2seq-attention").withPreset("eng-fra").withAll(List.of("train_pairs=300")), store);
        assertEquals(300, task.provenance().get("train_pairs"));
        assertEquals(6_985, task.provenance().get("valid_pairs"), "valid stays whole (pairs of <= 15 tokens)");
        var sampled = Zoo.task(Zoo.card("seq2seq").withPreset("g2p").withAll(List.of("eval_sources=50")), store);
        assertEquals(108_952, sampled.provenance().get("train_pairs"));
        assertTrue((Integer) sampled.provenance().get("test_pairs") >= 50 && (Integer) sampled.provenance().get("test_pairs") < 60,
                "50 words, a few with two pronunciations: " + sampled.provenance().get("test_pairs"));
    }
}
