package org.rnnzoo.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.rnnzoo.data.BatchifiedTokenStream;
import org.rnnzoo.kernels.NativeMatrix;
import org.rnnzoo.layers.FusedSoftmaxOutputLayer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Perplexity = exp(total NLL / number of non-padding targets), from the model's own softmax
 * probabilities. Not DL4J's score(): that adds regularisation and averages per example, so a
 * batch with padding or a different length would weigh tokens unequally.
 */
public final class PerplexityEvaluator {
    /** Smallest probability we take the log of; float softmax can underflow to exactly 0. */
    private static final double MIN_PROB = Float.MIN_NORMAL;
    private static final double MAX_NLL = -Math.log(MIN_PROB);
    /** Positions (batch × steps) the target-only scoring path reads per pass, at least. */
    static final int ROWS_PER_PASS = 800;

    private double nll;
    private long tokens;

    /**
     * Adds one batch.
     *
     * @param probs  {@code [batch, vocab, time]} softmax output
     * @param labels {@code [batch, 1, time]} (or {@code [batch, time]}) target ids
     * @param mask   {@code [batch, time]} 1 for real targets, 0 for padding; null = all real
     */
    public void add(INDArray probs, INDArray labels, INDArray mask) {
        long b = probs.size(0), t = probs.size(2);
        float[] y = labels.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] m = mask == null ? null : mask.castTo(DataType.FLOAT).dup('c').data().asFloat();
        // Only the targets' probabilities are read, through the array's own strides: a copy of the
        // whole [b, vocab, t] array made evaluation the JVM's main source of garbage
        // (docs/performance.md#evaluation-garbage).
        java.nio.FloatBuffer direct = probs.dataType() == DataType.FLOAT && probs.data().asNio() != null
                ? NativeMatrix.floatBuffer(probs) : null;
        long o = probs.offset(), s0 = probs.stride(0), s1 = probs.stride(1), s2 = probs.stride(2);
        for (int i = 0; i < b; i++) {
            for (int s = 0; s < t; s++) {
                int k = (int) (i * t + s);
                if (m != null && m[k] == 0f) continue;
                int target = (int) y[k];
                add(direct != null ? direct.get((int) (o + i * s0 + target * s1 + s * s2)) : probs.getDouble(i, target, s));
            }
        }
    }

    /** Adds one target's probability under the model: the single path every zoo model's perplexity goes through. */
    public void add(double probability) {
        addNll(-Math.log(Math.max(probability, MIN_PROB)));
    }

    /** Adds one target's negative log-probability, capped where {@link #add(double)} caps the probability. */
    public void addNll(double targetNll) {
        nll += Math.min(targetNll, MAX_NLL);
        tokens++;
    }

    public double nll() { return nll; }
    public long tokens() { return tokens; }
    public double crossEntropy() { return nll / tokens; }
    public double perplexity() { return Math.exp(crossEntropy()); }

    /** The figures a language-model task reports for a split. */
    public Map<String, Double> metrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("ppl", perplexity());
        m.put("cross_entropy", crossEntropy());
        m.put("tokens", (double) tokens);
        return m;
    }

    /**
     * Perplexity of a whole token stream, read with the hidden state carried across segments
     * (the same batchify layout as training, so no context is lost at segment boundaries). With our
     * fused output layer only the targets' log-probabilities are computed, never the
     * {@code [batch, vocab, time]} probabilities (docs/performance.md, "Scoring: target
     * log-probabilities only"); any other output layer goes through {@link #evaluateFromProbabilities}.
     */
    public static PerplexityEvaluator evaluate(ComputationGraph net, int[] ids, int batch, int bptt) {
        FusedSoftmaxOutputLayer fused = fusedOutput(net);
        if (fused == null) return evaluateFromProbabilities(net, ids, batch, bptt);
        PerplexityEvaluator e = new PerplexityEvaluator();
        // Longer reads than bptt: the state is carried either way, so only the rounding changes, and
        // ~800 rows a pass spread the output layer's fixed cost (packing W) over more targets.
        BatchifiedTokenStream stream = new BatchifiedTokenStream(ids, batch, Math.max(bptt, ROWS_PER_PASS / Math.max(1, batch)));
        net.clear();      // fit() leaves labels and masks set on the graph (dl4j-notes)
        net.rnnClearPreviousState();
        try {
            while (stream.hasNext()) {
                MultiDataSet ds = stream.next();
                int[] targets = targets(ds.getLabels(0), ds.getLabelsMaskArray(0));
                fused.scoreTargetsOnNextForward(targets);
                INDArray nll = net.rnnTimeStep(ds.getFeatures(0))[0];
                float[] values = nll.dup('c').data().asFloat();
                for (int k = 0; k < targets.length; k++) if (targets[k] >= 0) e.addNll(values[k]);
            }
        } finally {
            fused.scoreTargetsOnNextForward(null);    // never leave the layer armed if a pass failed
            net.rnnClearPreviousState();
        }
        return e;
    }

    /**
     * Adds the targets of one independent batch (no state carried: seq2seq pairs, padded and
     * masked) through {@code output}: target NLLs only with our fused output layer, the full
     * probabilities otherwise.
     */
    public void addBatch(ComputationGraph net, MultiDataSet ds) {
        FusedSoftmaxOutputLayer fused = fusedOutput(net);
        if (fused == null) {
            add(net.output(false, ds.getFeatures(), ds.getFeaturesMaskArrays())[0], ds.getLabels(0), ds.getLabelsMaskArray(0));
            return;
        }
        int[] targets = targets(ds.getLabels(0), ds.getLabelsMaskArray(0));
        fused.scoreTargetsOnNextForward(targets);
        try {
            float[] values = net.output(false, ds.getFeatures(), ds.getFeaturesMaskArrays())[0].dup('c').data().asFloat();
            for (int k = 0; k < targets.length; k++) if (targets[k] >= 0) addNll(values[k]);
        } finally {
            fused.scoreTargetsOnNextForward(null);
        }
    }

    /** The graph's output layer when it is our fused softmax (one output), else null. */
    public static FusedSoftmaxOutputLayer fusedOutput(ComputationGraph net) {
        return net.getNumOutputArrays() == 1 && net.getOutputLayer(0) instanceof FusedSoftmaxOutputLayer f ? f : null;
    }

    /** Target ids in row order b·t + s from labels {@code [b, 1, t]} or {@code [b, 1]}; −1 where the mask is 0. */
    public static int[] targets(INDArray labels, INDArray mask) {
        float[] y = labels.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] m = mask == null ? null : mask.castTo(DataType.FLOAT).dup('c').data().asFloat();
        int[] out = new int[y.length];
        for (int k = 0; k < y.length; k++) out[k] = m != null && m[k] == 0f ? -1 : (int) y[k];
        return out;
    }

    /**
     * {@link #evaluate} through {@code rnnTimeStep}'s full probabilities: the path for output layers
     * other than ours, and the reference the faster path is tested and timed against.
     */
    public static PerplexityEvaluator evaluateFromProbabilities(ComputationGraph net, int[] ids, int batch, int bptt) {
        PerplexityEvaluator e = new PerplexityEvaluator();
        BatchifiedTokenStream stream = new BatchifiedTokenStream(ids, batch, bptt);
        // fit() leaves labels and masks set on the graph; a later inference with another batch
        // size would trip over them (docs/dl4j-notes.md#fit-leaves-labels-set).
        net.clear();
        net.rnnClearPreviousState();
        while (stream.hasNext()) {
            MultiDataSet ds = stream.next();
            INDArray probs = net.rnnTimeStep(ds.getFeatures(0))[0];
            // a one-step segment comes back without its time axis
            if (probs.rank() == 2) probs = probs.reshape(probs.size(0), probs.size(1), 1);
            e.add(probs, ds.getLabels(0), ds.getLabelsMaskArray(0));
            // a batch's probabilities are 8 MB of native memory at PTB-small; freed now rather than at
            // the next GC, which evaluation alone seldom triggers
            if (probs.closeable()) probs.close();
        }
        net.rnnClearPreviousState();
        return e;
    }
}
