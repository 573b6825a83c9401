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
        description = {"Decode source sentences (tokens separated by spaces) with a seq2seq checkpoint: greedy, or beam search with --beam K.",
                "One output line per input (SOURCE, or each line of --file F); tokens the model never saw are read as <unk> (a warning "
                        + "names them); a blank input line is an error naming the line. Every input is encoded once and decoded in batches."})
class TranslateCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "a seq2seq checkpoint .zip, or a trained model's name MODEL:DATASET")
    String checkpoint;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "SOURCE", description = "the source (several arguments are joined by spaces)")
    List<String> sources;

    @Option(names = "--file", paramLabel = "F", description = "decode every line of a UTF-8 file instead")
    Path file;

    @Option(names = "--beam", paramLabel = "K", description = "beam width; 1 = greedy (default: ${DEFAULT-VALUE})")
    int beam = 1;

    @Option(names = "--alpha", description = "GNMT length penalty exponent of beam search, 0 = none (default: ${DEFAULT-VALUE})")
    double alpha = 0.6;

    @Option(names = "--max-length", paramLabel = "N", description = "most output tokens (default: twice the longer of the source and the card's max_length)")
    Integer maxLength;

    @Option(names = "--attention", paramLabel = "FILE.png", description = "draw the attention weights (target × source) of the one input as a heatmap")
    Path attention;

    /** The inputs given on the command line, one per output line. */
    List<String> arguments() { return sources == null || sources.isEmpty() ? List.of() : List.of(String.join(" ", sources)); }

    /** One input as the model's source tokens. */
    List<String> tokens(String text, Vocabulary vocabulary) {
        return Arrays.stream(text.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    String noun() { return "source"; }

    @Override
    public void run() {
        if (beam < 1) throw new ZooException("bad value for --beam: " + beam + " (must be >= 1)");
        if (!Double.isFinite(alpha) || alpha < 0) throw new ZooException("bad value for --alpha: " + alpha + " (must be >= 0)");
        if (maxLength != null && maxLength < 1) throw new ZooException("bad value for --max-length: " + maxLength + " (must be >= 1)");
        List<String> given = arguments();
        if (given.isEmpty() == (file == null)) throw new ZooException("give a " + noun().toUpperCase(java.util.Locale.ROOT) + " or --file F (one of them)");
        List<String> inputs = file != null ? PredictCommand.lines(file, "decode") : given;
        if (attention != null && inputs.size() != 1)
            throw new ZooException("--attention draws one input's map; " + (file != null ? file : "the command line") + " has " + inputs.size());
        Checkpoint c = Checkpoint.load(CheckpointArgument.resolve(checkpoint));
        if (!c.task().equals(Seq2SeqTask.KIND))
            throw new ZooException("zoo translate decodes a seq2seq model; " + checkpoint + " is a " + c.task() + " model");
        if (attention != null && !c.card().architecture().equals("Seq2SeqAttention"))
            throw new ZooException("--attention: " + c.card().name() + " has no attention (seq2seq-attention has)");
        Vocabulary src = c.vocabularies().vocabulary(Vocabularies.SOURCE), tgt = c.vocabularies().vocabulary(Vocabularies.TARGET);
        int trained = c.card().getInt("max_length");
        List<List<String>> words = new ArrayList<>(inputs.size());
        List<int[]> ids = new ArrayList<>(inputs.size());
        java.util.Set<String> unknown = new java.util.LinkedHashSet<>();
        int longest = 0;
        for (int i = 0; i < inputs.size(); i++) {
            List<String> w = tokens(inputs.get(i), src);
            if (w.isEmpty())
                throw new ZooException(file != null ? file + " line " + (i + 1) + " is blank: nothing to decode" : "empty " + noun() + ": nothing to decode");
            w.stream().filter(x -> !src.contains(x)).forEach(unknown::add);
            words.add(w);
            ids.add(src.encode(w));
            longest = Math.max(longest, w.size());
        }
        if (!unknown.isEmpty()) System.err.println("zoo: warning: not in the training vocabulary, read as <unk>: " + String.join(" ", unknown));
        if (longest > trained)
            System.err.println("zoo: warning: an input of " + longest + " tokens is longer than any the model trained on (max_length " + trained
                    + "); expect a poorer output");
        int limit = maxLength != null ? maxLength : 2 * Math.max(longest, trained);
        List<BeamSearchDecoder.Hypothesis> out = BeamSearchDecoder.search(c.net(), ids, beam, alpha, limit, 256);
        List<Integer> cut = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            System.out.println(String.join(" ", tgt.decode(out.get(i).tokens())));
            if (!out.get(i).finished()) cut.add(i + 1);
        }
        if (!cut.isEmpty())
            System.err.println("zoo: warning: no <eos> within " + limit + " tokens (--max-length), output cut there: input" + (cut.size() > 1 ? "s " : " ")
                    + cut.stream().limit(10).map(String::valueOf).collect(java.util.stream.Collectors.joining(", ")) + (cut.size() > 10 ? ", ..." : ""));
        if (attention != null) {
            double[][] w = AttentionWeights.of(c.net(), Seq2SeqAttention.ATTENTION, ids.get(0), out.get(0).tokens());
            List<String> rows = new ArrayList<>(tgt.decode(out.get(0).tokens()));
            rows.add(Vocabulary.EOS);
            AttentionHeatmap.write(attention, c.card().name() + ": attention", words.get(0), rows, w);
            System.err.println("attention map (" + rows.size() + " target × " + words.get(0).size() + " source) written to " + attention);
        }
    }

    /**
     * {@code zoo g2p CHECKPOINT word…}: each word's letters are a source (CMUdict G2P, the built-in
     * reverse task); a letter the vocabulary lacks in the case given is looked up in the other case.
     */
    @Command(name = "g2p", mixinStandardHelpOptions = true,
            description = {"Pronounce words with a grapheme-to-phoneme seq2seq checkpoint: zoo translate with each word split into letters.",
                    "One output line per WORD, or per line of --file F."})
    static final class G2p extends TranslateCommand {
        @Override
        List<String> arguments() { return sources == null ? List.of() : sources; }

        @Override
        String noun() { return "word"; }

        @Override
        List<String> tokens(String text, Vocabulary vocabulary) {
            return text.trim().codePoints().filter(cp -> !Character.isWhitespace(cp)).mapToObj(Character::toString).map(ch -> {
                if (vocabulary.contains(ch)) return ch;
                String other = ch.equals(ch.toUpperCase(java.util.Locale.ROOT)) ? ch.toLowerCase(java.util.Locale.ROOT) : ch.toUpperCase(java.util.Locale.ROOT);
                return vocabulary.contains(other) ? other : ch;
            }).toList();
        }
    }
}
