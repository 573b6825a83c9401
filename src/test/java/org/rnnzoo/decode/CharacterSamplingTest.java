package org.rnnzoo.decode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnzoo.Zoo;
import org.rnnzoo.data.Vocabulary;
import org.rnnzoo.models.ModelCard;
import org.rnnzoo.train.PerplexityEvaluator;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "zoo sample CKPT" of a one-epoch character model of Shakespeare wrote runs of rare capitals and
 * {@code <unk>} for most seeds (the default prompt was a bare line break read from a zero state),
 * while a prompt of one letter gave Shakespeare-like text. A sample from the default prompt should
 * read like the training text: as likely under the model as the test text is.
 */
class CharacterSamplingTest {
    @Test
    void aCharacterModelsDefaultSampleIsAsLikelyAsItsTestText(@TempDir Path dir) throws Exception {
        String shakespeare = Files.readString(Path.of(System.getProperty("zoo.mirror"), "tinyshakespeare", "input.txt"));
        Path text = Files.writeString(dir.resolve("shakespeare.txt"), shakespeare.substring(0, 200_000));
        ModelCard card = Zoo.card("lstm-lm").withAll(List.of("dataset=text:" + text, "level=char", "epochs=1"));
        Zoo.TrainedModel m = Zoo.train(card, dir.resolve("run"), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        double testPpl = (Double) m.result().get("test_ppl");
        Vocabulary v = m.vocabulary();
        List<String> report = new ArrayList<>();
        int unlikely = 0;
        for (long seed = 1; seed <= 6; seed++) {
            for (double temperature : new double[]{1.0, 0.5}) {
                String sample = Zoo.sample(m.net(), v, m.card(), "", 300, new Sampler.Settings(temperature, 0, 1, seed));
                assertFalse(sample.contains(Vocabulary.UNK), "a character model writes no <unk>: " + sample);
                // the sample scored as a text of its own: from the boundary every split starts with
                List<String> chars = sample.codePoints().mapToObj(Character::toString).toList();
                int[] ids = new int[chars.size() + 1];
                ids[0] = Vocabulary.EOS_ID;
                System.arraycopy(v.encode(chars), 0, ids, 1, chars.size());
                double ppl = PerplexityEvaluator.evaluate(m.net(), ids, 1, 35).perplexity();
                report.add(String.format("seed %d T %.1f: %.2f %s", seed, temperature, ppl, sample.substring(0, 30).replace("\n", "|")));
                // at T = 1 the sample is as likely as held-out text; at T = 0.5 likelier
                if (ppl > 1.5 * testPpl) unlikely++;
            }
        }
        assertTrue(unlikely == 0, "test perplexity " + testPpl + "; samples " + report);
    }
}
