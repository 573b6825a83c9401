package org.rnnzoo.datasets;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The phrase-level SST training sets read from the treebank's trees: as many distinct labelled
 * phrases as PROVENANCE.md counted, and dev/test sentences equal to Kim's sst2 / sst5 files.
 */
class SentimentTreesTest {
    @TempDir
    static Path cache;
    static DatasetStore store;

    @BeforeAll
    static void store() { store = new DatasetStore(cache, TestMirror.dir()).offline(); }

    @Test
    void sst2PhrasesTrainsOnEveryNonNeutralPhraseAndScoresKimsSentences() {
        LabelledSentences phrases = SentimentTrees.load(store, SentimentTrees.SST2);
        // ../shared/datasets/sst-trees/PROVENANCE.md: 77,201 distinct non-neutral (label, lower-cased phrase) pairs
        assertEquals(77_201, phrases.train().size());
        assertEquals(StanfordSentiment.BINARY, phrases.classes());
        LabelledSentences sentences = Datasets.classification("sst2", store);
        assertEquals(sorted(sentences.valid()), sorted(phrases.valid()));
        assertEquals(sorted(sentences.test()), sorted(phrases.test()));
        assertTrue(phrases.train().contains(new LabelledSentences.Example(1, List.of("exciting"))) ||
                phrases.train().stream().anyMatch(e -> e.tokens().size() == 1), "single words are phrases too");
    }

    @Test
    void sst5PhrasesKeepsTheFiveLabelsAndEveryWholeSentence() {
        LabelledSentences phrases = SentimentTrees.load(store, SentimentTrees.SST5);
        LabelledSentences sentences = Datasets.classification("sst5", store);
        assertEquals(sorted(sentences.valid()), sorted(phrases.valid()));
        assertEquals(sorted(sentences.test()), sorted(phrases.test()));
        assertTrue(phrases.train().size() > 10 * sentences.train().size(), phrases.train().size() + " phrases");
        System.out.println("sst5-phrases train: " + phrases.train().size() + " distinct (label, phrase) pairs");
    }

    private static List<String> sorted(List<LabelledSentences.Example> examples) {
        return examples.stream().map(e -> e.label() + " " + String.join(" ", e.tokens())).sorted().toList();
    }
}
