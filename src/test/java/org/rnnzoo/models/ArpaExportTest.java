package org.rnnzoo.models;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnzoo.Zoo;
import org.rnnzoo.data.Vocabulary;
import org.rnnzoo.datasets.TokenCorpus;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model.arpa that {@code zoo train kn-lm} writes follows the ARPA format's rules as KenLM
 * checks them (its query and build_binary refused our {@code <eos>}: "The ARPA file is missing
 * &lt;/s&gt;"), and scores the test split exactly as the run reported.
 */
class ArpaExportTest {
    @Test
    void knLmWritesAStandardArpaFileThatScoresLikeTheRun(@TempDir Path dir) throws Exception {
        ModelCard card = Zoo.card("kn-lm").withAll(List.of("dataset=grammar", "grammar_tokens=20000", "order=3"));
        Zoo.TrainedModel m = Zoo.train(card, dir.resolve("run"), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        Path file = dir.resolve("run/model.arpa");

        // n-gram -> {log10 p, has a back-off weight}, section by section
        Map<String, String[]> grams = new HashMap<>();
        int order = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.matches("\\\\\\d+-grams:")) { order = line.charAt(1) - '0'; continue; }
            if (order == 0 || line.isBlank() || line.startsWith("\\")) continue;
            String[] f = line.split("\t");
            grams.put(f[1], f);
            String[] words = f[1].split(" ");
            assertEquals(order, words.length, line);
            for (int i = 0; i < words.length - 1; i++) assertFalse(words[i].equals("</s>"), "</s> is never a context: " + line);
            for (int i = 1; i < words.length; i++) assertFalse(words[i].equals("<s>"), "<s> is never predicted: " + line);
            if (words[words.length - 1].equals("</s>")) assertEquals(2, f.length, "</s> carries no back-off weight: " + line);
            if (order > 1) {
                String prefix = f[1].substring(0, f[1].lastIndexOf(' ')), suffix = f[1].substring(f[1].indexOf(' ') + 1);
                assertTrue(grams.containsKey(prefix), "prefix of " + f[1] + " is listed");
                assertTrue(grams.containsKey(suffix), "suffix of " + f[1] + " is listed");
            }
            for (String w : words) assertFalse(w.equals(Vocabulary.PAD) || w.equals(Vocabulary.EOS), "no " + w + " in " + line);
        }
        assertNotNull(grams.get("</s>"), "</s> is a unigram");
        assertNotNull(grams.get("<unk>"), "<unk> is a unigram");
        String[] bos = grams.get("<s>");
        assertEquals("-99", bos[0], "<s> has the conventional log10 probability -99");
        assertEquals(3, bos.length, "<s> has a back-off weight");

        ArpaReader arpa = ArpaReader.read(file);
        assertEquals(m.vocabulary().size() - 1, arpa.listed[1], "every id but <pad> is a unigram");
        // the test split scored through the file alone, with the back-off rule, equals the run's figure
        TokenCorpus corpus = Zoo.corpus(card, null).corpus();
        Vocabulary v = m.vocabulary();
        double log10 = 0;
        long tokens = 0;
        List<String> context = new ArrayList<>(List.of("<s>"));
        for (String t : corpus.test()) {
            String w = t.equals(Vocabulary.EOS) ? "</s>" : v.contains(t) ? t : "<unk>";
            log10 += arpa.log10Prob(context, w);
            tokens++;
            if (w.equals("</s>")) context = new ArrayList<>(List.of("<s>"));
            else context.add(w);
        }
        double ppl = Math.pow(10, -log10 / tokens), reported = (Double) m.result().get("test_ppl");
        assertEquals(reported, ppl, 1e-5 * reported);
    }
}
