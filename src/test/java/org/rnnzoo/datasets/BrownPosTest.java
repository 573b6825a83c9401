package org.rnnzoo.datasets;

import org.datavec.api.records.reader.RecordReader;
import org.datavec.api.writable.Writable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** brown-pos: Brown's tags normalised by the rule of datasets/brown.yaml, on the Bengio split cut at sentence boundaries. */
class BrownPosTest {
    @TempDir
    static Path cache;
    static TaggedSentences pos;
    static DatasetStore store;

    @BeforeAll
    static void load() {
        store = new DatasetStore(cache, TestMirror.dir()).offline();
        pos = Datasets.tagged("brown-pos", store);
    }

    @Test
    void tagsLoseTitleHeadlineCitedAndForeignMarksAndCompoundsKeepTheirFirstPart() {
        assertEquals("np", BrownCorpus.normaliseTag("np-tl"));
        assertEquals("in", BrownCorpus.normaliseTag("fw-in"));
        assertEquals("ppss", BrownCorpus.normaliseTag("ppss+bem"));
        assertEquals("nn$", BrownCorpus.normaliseTag("nn$-hl"));
        assertEquals("nn", BrownCorpus.normaliseTag("nn-tl-hl"));
        assertEquals("jj", BrownCorpus.normaliseTag("jj-nc"));
        assertEquals("at", BrownCorpus.normaliseTag("fw-at+nn-tl"));
        assertEquals("pps", BrownCorpus.normaliseTag("pps+bez-hl"));
        for (String kept : List.of("--", "*", "md*", "'", "(", "nn$", "-hl"))
            assertEquals(kept, BrownCorpus.normaliseTag(kept), "unchanged: " + kept);
    }

    @Test
    void theSplitMovesToTheNearestSentenceBoundaryAndATieGoesToTheEarlierOne() {
        long[] starts = {0, 4, 9, 12};   // sentences of 4, 5 and 3 tokens
        assertEquals(1, BrownCorpus.nearestBoundary(starts, 5));
        assertEquals(2, BrownCorpus.nearestBoundary(starts, 8));
        assertEquals(1, BrownCorpus.nearestBoundary(starts, 6), "6 is 2 from 4, 3 from 9");
        assertEquals(1, BrownCorpus.nearestBoundary(new long[]{0, 4, 8}, 6), "a tie (6 between 4 and 8) goes to 4");
    }

    @Test
    void brownPosHasTheCountsItsCardStates() {
        assertEquals(List.of(35_523, 11_689, 10_128), List.of(pos.train().size(), pos.valid().size(), pos.test().size()), "sentences");
        assertEquals(List.of(800_001, 199_997, 161_194), List.of(tokens(pos.train()), tokens(pos.valid()), tokens(pos.test())));
        assertEquals(104, pos.tags().size());
        Set<Integer> inTrain = new HashSet<>();
        for (TaggedSentences.Example e : pos.train()) for (int t : e.tags()) inTrain.add(t);
        assertEquals(103, inTrain.size());
        assertEquals(List.of("The", "Fulton", "County", "Grand", "Jury", "said"), pos.train().get(0).tokens().subList(0, 6), "case kept");
        assertEquals(List.of("at", "np", "nn", "jj", "nn", "vbd"), tagNames(pos.train().get(0)).subList(0, 6), "np-tl -> np, nn-tl -> nn");
        Set<String> seen = new HashSet<>();
        for (TaggedSentences.Example e : pos.train()) seen.addAll(e.tokens());
        long unseen = pos.test().stream().flatMap(e -> e.tokens().stream()).filter(w -> !seen.contains(w)).count();
        assertEquals(7_664, unseen, "test tokens never seen in train");
    }

    @Test
    void brownPosGoesThroughADataVecReaderAsTextAndTags() throws Exception {
        RecordReader r = Datasets.reader("brown-pos", "test", store);
        List<Writable> first = r.next();
        TaggedSentences.Example e = pos.test().get(0);
        assertEquals(String.join(" ", e.tokens()), first.get(0).toString());
        assertEquals(String.join(" ", tagNames(e)), first.get(1).toString());
        int n = 1;
        while (r.hasNext()) { r.next(); n++; }
        assertEquals(pos.test().size(), n);
        assertEquals(List.of("text", "tags"), Datasets.schema("brown-pos").getColumnNames());
        assertEquals("brown", Datasets.card("brown-pos"), "its files are brown's");
        assertThrows(DatasetException.class, () -> Datasets.classification("brown-pos", store));
    }

    private static int tokens(List<TaggedSentences.Example> split) { return split.stream().mapToInt(e -> e.tokens().size()).sum(); }

    private static List<String> tagNames(TaggedSentences.Example e) {
        List<String> out = new ArrayList<>();
        for (int t : e.tags()) out.add(pos.tags().get(t));
        return out;
    }
}
