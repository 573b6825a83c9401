package org.rnnzoo.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.datasets.DatasetException;
import org.rnnzoo.datasets.DatasetStore;
import org.rnnzoo.datasets.LabelledSentences;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** MR's ten folds as datasets/mr.yaml states them: test = block K, dev = the last tenth of the rest, train = the remainder. */
class MovieReviewFoldsTest {
    @TempDir
    Path cache;

    @Test
    void theTenFoldsTestEverySentenceOnceAndTrainAndDevAreTheRest() {
        DatasetStore store = new DatasetStore(cache, Path.of(System.getProperty("zoo.mirror"))).offline();
        List<LabelledSentences.Example> all = org.rnnzoo.datasets.Datasets.classification("mr", store).train();
        List<LabelledSentences.Example> tested = new ArrayList<>();
        for (int k = 0; k < 10; k++) {
            LabelledSentences f = Corpora.labelled("mr", 0, 0, k, store);
            assertEquals("mr/fold-" + k, f.name());
            int rest = f.train().size() + f.valid().size();
            assertEquals(10_662, rest + f.test().size());
            assertEquals(k == 4 || k == 9 ? 1_067 : 1_066, f.test().size(), "fold " + k);
            assertEquals(rest - rest * 9 / 10, f.valid().size(), "dev: the last tenth of the nine other blocks");
            List<LabelledSentences.Example> together = new ArrayList<>(f.train());
            together.addAll(f.valid());
            together.addAll(f.test());
            assertEquals(counts(all), counts(together), "train, dev and test of fold " + k + " partition MR");
            tested.addAll(f.test());
        }
        assertEquals(all, tested, "the folds' test sets, in order, are the shuffled list once");
        assertThrows(DatasetException.class, () -> Corpora.labelled("mr", 0, 0, 10, store));
        assertThrows(ZooException.class, () -> Corpora.labelled("sst2", 0, 0, 1, store), "sst2 has no folds");
    }

    private static java.util.Map<LabelledSentences.Example, Long> counts(List<LabelledSentences.Example> examples) {
        java.util.Map<LabelledSentences.Example, Long> c = new java.util.HashMap<>();
        for (LabelledSentences.Example e : examples) c.merge(e, 1L, Long::sum);
        return c;
    }
}
