package org.rnnzoo;

import org.junit.jupiter.api.Test;
import org.rnnzoo.datasets.TokenCorpus;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Results and checkpoints name the exact dataset bytes through the dataset card's digest. */
class ProvenanceTest {
    private static TokenCorpus corpus(String name) {
        return new TokenCorpus(name, TokenCorpus.Level.WORD, List.of("a", "b"), List.of("a"), List.of("b"));
    }

    @Test
    void aRegisteredDatasetIsNamedByItsCardDigest() {
        Map<String, Object> ptb = org.rnnzoo.train.TokenCorpusTask.provenance(corpus("ptb"));
        Map<String, Object> brown = org.rnnzoo.train.TokenCorpusTask.provenance(corpus("brown"));
        assertTrue(String.valueOf(ptb.get("dataset_digest")).matches("[0-9a-f]{64}"), ptb.toString());
        assertNotEquals(ptb.get("dataset_digest"), brown.get("dataset_digest"));
        assertEquals(ptb.get("dataset_digest"), org.rnnzoo.train.TokenCorpusTask.provenance(corpus("ptb")).get("dataset_digest"));
        assertEquals(2, ptb.get("train_tokens"));
    }

    @Test
    void aBuiltInOrLocalCorpusHasNoDigest() {
        assertFalse(org.rnnzoo.train.TokenCorpusTask.provenance(corpus("grammar")).containsKey("dataset_digest"));
    }
}
