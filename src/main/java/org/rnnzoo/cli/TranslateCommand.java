package org.rnnzoo.cli;

import org.rnnzoo.common.ZooException;
import org.rnnzoo.data.Vocabularies;
import org.rnnzoo.data.Vocabulary;
import org.rnnzoo.decode.AttentionHeatmap;
import org.rnnzoo.decode.AttentionWeights;
import org.rnnzoo.decode.BeamSearchDecoder;
import org.rnnzoo.models.Seq2SeqAttention;
import org.rnnzoo.train.Checkpoint;
import org.rnnzoo.train.Seq2SeqTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

@Command(name = "translate", mixinStandardHelpOptions = true,
        description = "Decode a source sentence (tokens separated by spaces) with a seq2seq checkpoint: greedy, or beam search with --beam K.")
class TranslateCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "a seq2seq checkpoint .zip, or a trained model's name MODEL:DATASET")
    String checkpoint;

    @Parameters(index = "1", paramLabel = "SOURCE", description = "the source, tokens separated by spaces")
    String source;

    @Option(names = "--beam", paramLabel = "K", description = "beam width; 1 = greedy (default: ${DEFAULT-VALUE})")
    int beam = 1;

    @Option(names = "--alpha", description = "GNMT length penalty exponent of beam search, 0 = none (default: ${DEFAULT-VALUE})")
    double alpha = 0.6;

    @Option(names = "--max-length", paramLabel = "N", description = "most output tokens (default: twice the longer of the source and the card's max_length)")
    Integer maxLength;

    @Option(names = "--attention", paramLabel = "FILE.png", description = "draw the attention weights (target × source) as a heatmap")
    Path attention;

    /** The source as the model's source tokens. */
    List<String> tokens(String text) {
        return Arrays.stream(text.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    @Override
    public void run() {
        if (beam < 1) throw new ZooException("bad value for --beam: " + beam + " (must be >= 1)");
        if (maxLength != null && maxLength < 1) throw new ZooException("bad value for --max-length: " + maxLength + " (must be >= 1)");
        Checkpoint c = Checkpoint.load(CheckpointArgument.resolve(checkpoint));
        if (!c.task().equals(Seq2SeqTask.KIND))
            throw new ZooException("zoo translate decodes a seq2seq model; " + checkpoint + " is a " + c.task() + " model");
        if (attention != null && !c.card().architecture().equals("Seq2SeqAttention"))
            throw new ZooException("--attention: " + c.card().name() + " has no attention (seq2seq-attention has)");
        Vocabulary src = c.vocabularies().vocabulary(Vocabularies.SOURCE), tgt = c.vocabularies().vocabulary(Vocabularies.TARGET);
        List<String> words = tokens(source);
        if (words.isEmpty()) throw new ZooException("empty source: nothing to translate");
        List<String> unknown = new ArrayList<>(words.stream().filter(w -> !src.contains(w)).distinct().toList());
        if (!unknown.isEmpty()) System.err.println("zoo: warning: not in the training vocabulary, read as <unk>: " + String.join(" ", unknown));
        int[] ids = src.encode(words);
        int limit = maxLength != null ? maxLength : 2 * Math.max(words.size(), c.card().getInt("max_length"));
        BeamSearchDecoder.Hypothesis h = BeamSearchDecoder.best(c.net(), ids, beam, alpha, limit);
        List<String> out = tgt.decode(h.tokens());
        System.out.println(String.join(" ", out));
        if (!h.finished()) System.err.println("zoo: warning: no <eos> within " + limit + " tokens; the output is cut there (--max-length)");
        if (attention != null) {
            double[][] w = AttentionWeights.of(c.net(), Seq2SeqAttention.ATTENTION, ids, h.tokens());
            List<String> rows = new ArrayList<>(out);
            rows.add(Vocabulary.EOS);
            AttentionHeatmap.write(attention, c.card().name() + ": attention", words, rows, w);
            System.err.println("attention map (" + rows.size() + " target × " + words.size() + " source) written to " + attention);
        }
    }

    /** {@code zoo g2p CHECKPOINT word}: a word's letters are the source (CMUdict G2P, the built-in reverse task). */
    @Command(name = "g2p", mixinStandardHelpOptions = true,
            description = "Pronounce a word with a grapheme-to-phoneme seq2seq checkpoint: zoo translate with the word split into letters.")
    static final class G2p extends TranslateCommand {
        @Override
        List<String> tokens(String text) {
            return text.trim().codePoints().filter(cp -> !Character.isWhitespace(cp)).mapToObj(Character::toString).toList();
        }
    }
}
