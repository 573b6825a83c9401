package org.rnnzoo.datasets;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every dataset, loaded from the mirror into a fresh cache, has the counts its card and PROVENANCE state. */
class DatasetCountsTest {
    @TempDir
    static Path cache;
    static DatasetStore store;

    @BeforeAll
    static void store() { store = new DatasetStore(cache, TestMirror.dir()).offline(); }

    private static void assertCounts(String name, List<Integer> loaded, int train, int valid, int test) {
        assertEquals(List.of(train, valid, test), loaded, name);
        Map<String, Object> card = DatasetCard.load(name).counts();
        assertEquals(List.of(train, valid, test), List.of(card.get("train"), card.get("valid"), card.get("test")),
                "datasets/" + name + ".yaml counts");
    }

    @Test
    void ptbHasMikolovsTokenCountsWithOneEosPerLine() {
        TokenCorpus ptb = Datasets.lm("ptb", store);
        assertCounts("ptb", sizes(ptb), 929_589, 73_760, 82_430);
        assertEquals(10_000, new HashSet<>(ptb.train()).size(), "9,999 words + <eos>");
        assertEquals("<eos>", ptb.test().get(ptb.test().size() - 1));
    }

    @Test
    void brownIsBengiosStreamWithRareWordsAsUnk() {
        TokenCorpus brown = Datasets.lm("brown", store);
        assertCounts("brown", sizes(brown), 800_000, 200_000, 161_192); // 1,161,192 tokens in this copy (the paper's has 1,181,041)
        Map<String, Integer> trainCounts = new HashMap<>();
        for (String w : brown.train()) trainCounts.merge(w, 1, Integer::sum);
        trainCounts.forEach((w, c) -> assertTrue(w.equals("<unk>") || c > 3, w + " seen " + c + " times"));
        for (String w : brown.test()) assertTrue(trainCounts.containsKey(w), "test word not in train vocabulary: " + w);
        assertEquals(14_114, trainCounts.size());
        assertEquals(List.of("The", "Fulton", "County", "Grand", "<unk>", "said"), brown.train().subList(0, 6), "tags stripped, case kept");
        assertTrue(!brown.train().contains("<eos>"));

        TokenCorpus withEos = BrownCorpus.load(store, true);
        assertEquals(List.of(800_000, 200_000, 218_532), List.of(withEos.train().size(), withEos.valid().size(), withEos.test().size()));
        long sentences = new ArrayList<String>() {{ addAll(withEos.train()); addAll(withEos.valid()); addAll(withEos.test()); }}
                .stream().filter("<eos>"::equals).count();
        assertEquals(57_340, sentences);
    }

    @Test
    void tinyShakespeareIs90PercentTrainAndTestEqualsValid() {
        TokenCorpus t = Datasets.lm("tinyshakespeare", store);
        assertCounts("tinyshakespeare", sizes(t), 1_003_854, 111_540, 111_540);
        assertEquals(TokenCorpus.Level.CHAR, t.level());
        assertEquals(t.valid(), t.test());
        Set<String> chars = new HashSet<>(t.train());
        chars.addAll(t.valid());
        assertEquals(65, chars.size());
        assertEquals("First Citizen:\n", String.join("", t.train().subList(0, 15)));
    }

    @Test
    void sstSplitsAndLabels() {
        LabelledSentences sst2 = Datasets.classification("sst2", store), sst5 = Datasets.classification("sst5", store);
        assertCounts("sst2", sizes(sst2), 6_920, 872, 1_821);
        assertCounts("sst5", sizes(sst5), 8_544, 1_101, 2_210);
        assertEquals(2, sst2.numClasses());
        assertEquals(5, sst5.numClasses());
        assertEquals(List.of(3_310L, 3_610L), perLabel(sst2.train(), 2));
        assertEquals(List.of(279L, 633L, 389L, 510L, 399L), perLabel(sst5.test(), 5));
    }

    @Test
    void movieReviewsAreWindows1252WithTenFixedFolds() {
        LabelledSentences mr = Datasets.classification("mr", store);
        assertCounts("mr", sizes(mr), 10_662, 0, 0);
        assertEquals(List.of(5_331L, 5_331L), perLabel(mr.train(), 2));
        assertTrue(mr.train().stream().anyMatch(e -> e.tokens().contains("–")), "0x96 decodes to an en dash");
        assertTrue(mr.train().stream().noneMatch(e -> String.join(" ", e.tokens()).contains("\uFFFD")), "no undecodable bytes");
        Set<LabelledSentences.Example> seen = new HashSet<>();
        int tested = 0;
        for (int k = 0; k < 10; k++) {
            LabelledSentences f = mr.fold(k);
            assertEquals(10_662, f.train().size() + f.test().size());
            tested += f.test().size();
            seen.addAll(f.test());
        }
        assertEquals(10_662, tested, "the folds partition the data");
        assertEquals(mr.train(), Datasets.classification("mr", store).train(), "the shuffle is seeded");
        assertEquals(1_066, mr.fold(0).test().size());
    }

    @Test
    void cmudictG2pUsesCntksThreeFiles() {
        SentencePairs g2p = Datasets.pairs("cmudict-g2p", store);
        assertCounts("cmudict-g2p", sizes(g2p), 108_952, 5_447, 12_855);
        assertEquals(new SentencePairs.Pair(List.of("A", "B", "A", "D", "I"), List.of("AH", "B", "AE", "D", "IY")), g2p.test().get(0));
        Set<String> words = new HashSet<>();
        for (SentencePairs.Pair p : g2p.train()) words.add(String.join("", p.source()));
        assertEquals(102_068, words.size(), "several pronunciations per word are kept");
        assertTrue(g2p.train().stream().allMatch(p -> p.target().stream().noneMatch(ph -> ph.matches(".*\\d.*"))),
                "these split files carry no stress digits (CmudictG2p.load(store, true) would strip them)");
    }

    @Test
    void engFraSplitKeepsEachEnglishSentenceInOneSplit() {
        SentencePairs ef = Datasets.pairs("eng-fra", store);
        assertCounts("eng-fra", sizes(ef), 128_509, 7_141, 7_137);
        assertEquals(new SentencePairs.Pair(List.of("Go", "."), List.of("Va", "!")), ef.train().get(0));
        // no English sentence (as tokens) in two splits: train, valid and test sources are disjoint
        List<Set<List<String>>> sources = new ArrayList<>();
        for (String split : List.of("train", "valid", "test"))
            sources.add(new HashSet<>(ef.split(split).stream().map(SentencePairs.Pair::source).toList()));
        for (int a = 0; a < 3; a++)
            for (int b = a + 1; b < 3; b++) {
                Set<List<String>> both = new HashSet<>(sources.get(a));
                both.retainAll(sources.get(b));
                assertEquals(Set.of(), both, "English sentences in splits " + a + " and " + b);
            }
        // the benchmark's pairs: at most 15 tokens a side, about 90 / 5 / 5 of them
        SentencePairs short15 = ef.maxTokens(15);
        assertEquals(List.of(125_781, 6_985, 6_990), sizes(short15));   // 90.0 / 5.0 / 5.0 %
        SentencePairs short10 = ef.maxTokens(10);
        assertEquals(List.of(107_399, 5_997, 5_990), List.of(short10.train().size(), short10.valid().size(), short10.test().size()));
        assertTrue(short10.train().stream().allMatch(p -> p.source().size() <= 10 && p.target().size() <= 10));
    }

    private static List<Integer> sizes(TokenCorpus c) { return List.of(c.train().size(), c.valid().size(), c.test().size()); }

    private static List<Integer> sizes(LabelledSentences c) { return List.of(c.train().size(), c.valid().size(), c.test().size()); }

    private static List<Integer> sizes(SentencePairs c) { return List.of(c.train().size(), c.valid().size(), c.test().size()); }

    private static List<Long> perLabel(List<LabelledSentences.Example> examples, int classes) {
        List<Long> out = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            int label = c;
            out.add(examples.stream().filter(e -> e.label() == label).count());
        }
        return out;
    }
}
