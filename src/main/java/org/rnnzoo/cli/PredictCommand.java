package org.rnnzoo.cli;

import org.rnnzoo.Zoo;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.decode.Predictor;
import org.rnnzoo.decode.Saliency;
import org.rnnzoo.train.Checkpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"A sentence classifier's label and every class's probability, or a tagger's word/TAG pairs.",
                "Text is split like SST's tokens (punctuation apart, contractions PTB-style when the model knows n't) and lower-cased unless the model's vocabulary keeps case (Brown); unknown words are <unk>.",
                "--file: one tab-separated line per input line: label, class=probability ..., the sentence (a tagger: word/TAG ...).",
                "A blank line, a line of invalid UTF-8 or a line with no token is an error naming the line (so output line N is always input line N)."})
final class PredictCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "a checkpoint .zip, or a trained model's name MODEL:DATASET (see: zoo models)")
    String checkpoint;

    @Parameters(index = "1", arity = "0..1", paramLabel = "SENTENCE", description = "e.g. \"the movie was terribly exciting!\"")
    String sentence;

    @Option(names = "--file", paramLabel = "F", description = "predict every line of a UTF-8 file")
    Path file;

    @Option(names = "--saliency", description = {"a classifier: also each word's gradient x input for the predicted class's log-probability,"
            + " as word(+0.12) (positive: the word spoke for the label), green/red when stdout is a terminal (NO_COLOR turns that off);"
            + " with --file, one more tab-separated field"})
    boolean saliency;

    @Override
    public void run() {
        if ((sentence == null) == (file == null)) throw new ZooException("give a SENTENCE or --file F (one of them)");
        List<String> lines = file != null ? lines(file, "predict") : List.of(sentence);
        for (int i = 0; i < lines.size(); i++)
            if (lines.get(i).isBlank())
                throw new ZooException(file != null ? file + " line " + (i + 1) + " is blank: nothing to predict" : "the sentence is empty: nothing to predict");
        Checkpoint c = Checkpoint.load(CheckpointArgument.resolve(checkpoint));
        List<Saliency.Explained> explained = saliency ? Zoo.saliency(c, lines) : null;
        List<Predictor.Prediction> predictions = saliency ? explained.stream().map(Saliency.Explained::prediction).toList() : Zoo.predict(c, lines);
        boolean colour = System.console() != null && System.getenv("NO_COLOR") == null;
        for (int i = 0; i < lines.size(); i++) {
            Predictor.Prediction p = predictions.get(i);
            if (p.probabilities().length == p.tokens().size() && c.task().equals(org.rnnzoo.train.SequenceTaggingTask.KIND)) {
                List<String> pairs = new ArrayList<>();
                for (int t = 0; t < p.tokens().size(); t++) pairs.add(p.tokens().get(t) + "/" + p.best(t));
                System.out.println(String.join(" ", pairs));
            } else if (file != null) {
                StringBuilder line = new StringBuilder(p.best(0));
                for (int k = 0; k < p.labels().size(); k++)
                    line.append('\t').append(p.labels().get(k)).append('=').append(String.format(Locale.ROOT, "%.4f", p.probabilities()[0][k]));
                line.append('\t').append(lines.get(i).replace('\t', ' '));
                if (saliency) line.append('\t').append(saliencyLine(p.tokens(), explained.get(i).scores(), false));
                System.out.println(line);
            } else {
                System.out.println(p.best(0));
                for (int k = 0; k < p.labels().size(); k++)
                    System.out.printf(Locale.ROOT, "  %-12s %.4f%n", p.labels().get(k), p.probabilities()[0][k]);
                System.out.println("  tokens: " + String.join(" ", p.tokens()));
                if (saliency) System.out.println("  saliency: " + saliencyLine(p.tokens(), explained.get(i).scores(), colour));
            }
        }
    }

    /** {@code word(+0.12)} per token; with colour, words that spoke for the label green, against it red. */
    static String saliencyLine(List<String> tokens, double[] scores, boolean colour) {
        StringBuilder sb = new StringBuilder();
        for (int t = 0; t < tokens.size(); t++) {
            if (t > 0) sb.append(' ');
            String word = String.format(Locale.ROOT, "%s(%+.2f)", tokens.get(t), scores[t]);
            sb.append(colour ? (scores[t] >= 0 ? "\u001B[32m" : "\u001B[31m") + word + "\u001B[0m" : word);
        }
        return sb.toString();
    }

    /**
     * The file's lines, decoded strictly: invalid UTF-8 is an error naming the line, not replacement characters.
     *
     * @param verb what the command does with them, for the empty file's error ("nothing to VERB")
     */
    static List<String> lines(Path f, String verb) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(f);
        } catch (IOException e) {
            throw new ZooException("cannot read " + f + ": " + ZooException.reason(e), e);
        }
        List<String> out = new ArrayList<>();
        int start = 0, number = 1;
        for (int i = 0; i <= bytes.length; i++) {
            if (i < bytes.length && bytes[i] != '\n') continue;
            if (i == bytes.length && start == i) break;   // the final newline ends the last line
            int end = i > start && bytes[i - 1] == '\r' ? i - 1 : i;
            try {
                out.add(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, start, end - start)).toString());
            } catch (CharacterCodingException e) {
                throw new ZooException(f + " line " + number + " is not valid UTF-8");
            }
            start = i + 1;
            number++;
        }
        if (out.isEmpty()) throw new ZooException(f + " is empty: nothing to " + verb);
        return out;
    }
}
