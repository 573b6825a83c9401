package org.rnnzoo.decode;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnnzoo.data.Vocabulary;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A trained classifier's label, or a tagger's tags, for raw sentences. A sentence is tokenised the
 * way the sentiment datasets are ({@link #tokenize}); words the model never saw become {@code <unk>}.
 * Sentences go through the network in padded, masked batches (the masks make a sentence's
 * probabilities the same alone or beside longer ones: BidirectionalPaddingTest).
 */
public final class Predictor {
    /** One sentence's result: its tokens, and per token (tagger) or once (classifier) a distribution over {@code labels}. */
    public record Prediction(List<String> tokens, List<String> labels, double[][] probabilities) {
        /** The most likely label of row {@code i} (a classifier has one row, a tagger one per token). */
        public String best(int i) {
            double[] p = probabilities[i];
            int arg = 0;
            for (int k = 1; k < p.length; k++) if (p[k] > p[arg]) arg = k;
            return labels.get(arg);
        }
    }

    private static final int BATCH = 32;
    private final ComputationGraph net;
    private final Vocabulary vocab;
    private final List<String> labels;
    private final boolean perToken;
    /** Whether the vocabulary keeps case (Brown's does, SST's and MR's are lower-cased): then so does the tokenizer. */
    private final boolean cased;

    /**
     * @param perToken true for a tagger (output {@code [batch, tags, time]}), false for a sentence
     *                 classifier (output {@code [batch, classes]})
     */
    public Predictor(ComputationGraph net, Vocabulary vocab, List<String> labels, boolean perToken) {
        this.net = net;
        this.vocab = vocab;
        this.labels = labels;
        this.perToken = perToken;
        this.cased = vocab.words().stream().anyMatch(w -> !w.equals(w.toLowerCase(Locale.ROOT)));
    }

    /**
     * Lower-cased (unless the vocabulary has upper-case words: a tagger trained on Brown keeps case)
     * and split like SST's PTB tokens: punctuation apart, {@code (} {@code )} as
     * {@code -lrb-} {@code -rrb-} (unless the vocabulary has a bare {@code (}, as Brown's does), and, when the model's vocabulary has {@code n't} (SST does, MR
     * does not), contractions split as PTB does ({@code don't} → {@code do n't}, {@code it's} → {@code it 's}).
     */
    public List<String> tokenize(String sentence) {
        boolean splitContractions = vocab.contains("n't"), bracketsAsWords = !vocab.contains("(");
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(cased ? sentence : sentence.toLowerCase(Locale.ROOT));
        while (m.find()) {
            String t = m.group();
            if (bracketsAsWords && t.equals("(")) t = "-lrb-";
            else if (bracketsAsWords && t.equals(")")) t = "-rrb-";
            if (splitContractions && t.length() > 3 && t.endsWith("n't")) {
                out.add(t.substring(0, t.length() - 3));
                out.add("n't");
                continue;
            }
            Matcher c = CLITIC.matcher(t);
            if (splitContractions && c.matches()) {
                out.add(c.group(1));
                out.add(c.group(2));
                continue;
            }
            out.add(t);
        }
        return out;
    }

    /**
     * Words (letters, digits and inner ' - / .), "..." and "--", or one other character that is not
     * a space of any kind (Unicode's too: a no-break space alone is no token, not an {@code <unk>}).
     */
    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}]+(?:['’\\-/.][\\p{L}\\p{N}]+)*|\\.\\.\\.|--|[^\\s\\p{Z}\\p{Cf}]");
    private static final Pattern CLITIC = Pattern.compile("(.+)('s|'re|'ve|'ll|'d|'m)");

    /** Predictions for sentences already tokenised; each must have at least one token. */
    public List<Prediction> predictTokens(List<List<String>> sentences) {
        List<Prediction> out = new ArrayList<>();
        for (int from = 0; from < sentences.size(); from += BATCH)
            out.addAll(batch(sentences.subList(from, Math.min(sentences.size(), from + BATCH))));
        return out;
    }

    private List<Prediction> batch(List<List<String>> sentences) {
        int b = sentences.size(), t = 0;
        for (List<String> s : sentences) {
            if (s.isEmpty()) throw new IllegalArgumentException("an empty sentence has no prediction");
            t = Math.max(t, s.size());
        }
        INDArray ids = Nd4j.zeros(DataType.FLOAT, b, t), mask = Nd4j.zeros(DataType.FLOAT, b, t);
        for (int i = 0; i < b; i++) {
            int[] encoded = vocab.encode(sentences.get(i));
            for (int s = 0; s < encoded.length; s++) {
                ids.putScalar(i, s, encoded[s]);
                mask.putScalar(i, s, 1);
            }
        }
        net.clear();   // fit() or an earlier call may have left masks set (docs/dl4j-notes.md)
        INDArray probs = net.output(false, new INDArray[]{ids}, new INDArray[]{mask})[0];
        List<Prediction> out = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            int n = sentences.get(i).size();
            double[][] p = new double[perToken ? n : 1][labels.size()];
            for (int r = 0; r < p.length; r++)
                for (int k = 0; k < labels.size(); k++) p[r][k] = perToken ? probs.getDouble(i, k, r) : probs.getDouble(i, k);
            out.add(new Prediction(sentences.get(i), labels, p));
        }
        net.clear();
        return out;
    }
}
