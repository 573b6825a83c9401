package org.rnnzoo.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnzoo.Zoo;
import org.rnnzoo.data.Vocabularies;
import org.rnnzoo.datasets.DatasetStore;
import org.rnnzoo.datasets.Datasets;
import org.rnnzoo.datasets.TaggedSentences;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tagger cards' {@code train_sentences} and {@code valid_sentences}: a short run on brown-pos trains on its first
 * sentences, picks its epoch on the first validation sentences, and is scored on the whole test split.
 */
class TrainSentencesTest {
    @TempDir
    Path cache;

    @Test
    void brownPosCutToItsFirstTrainingAndValidationSentencesKeepsTheWholeTestSplit() {
        DatasetStore store = new DatasetStore(cache, Path.of(System.getProperty("zoo.mirror")));
        TaggedSentences full = Datasets.tagged("brown-pos", store);
        SequenceTaggingTask task = (SequenceTaggingTask) Zoo.task(
                Zoo.card("rnn-tagger").withAll(List.of("dataset=brown-pos", "train_sentences=3000", "valid_sentences=500", "min_count=1")), store);
        Map<String, Object> p = task.provenance();
        assertEquals(List.of(3000, 500, 10_128), List.of(p.get("train_sentences"), p.get("valid_sentences"), p.get("test_sentences")));
        for (int i = 0; i < 3000; i += 999) assertArrayEquals(full.train().get(i).tags(), task.split("train").get(i).tags(), "sentence " + i);
        assertArrayEquals(full.valid().get(499).tags(), task.split("valid").get(499).tags());
        assertArrayEquals(full.test().get(10_127).tags(), task.split("test").get(10_127).tags());
        // the vocabulary is the cut's: a word first met after sentence 3,000 is unknown to this model
        var vocab = task.vocabularies().vocabulary(Vocabularies.TOKENS);
        assertTrue(vocab.contains(full.train().get(0).tokens().get(0)));
        java.util.Set<String> first = new java.util.HashSet<>();
        full.train().subList(0, 3000).forEach(e -> first.addAll(e.tokens()));
        String later = full.train().stream().skip(3000).flatMap(e -> e.tokens().stream()).filter(w -> !first.contains(w)).findFirst().orElseThrow();
        assertFalse(vocab.contains(later), later);
        assertEquals(104, p.get("tags") instanceof List<?> tags ? tags.size() : -1, "the tag set is the dataset's, not the cut's");
    }
}
