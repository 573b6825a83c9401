package org.rnnzoo.decode;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.data.Vocabulary;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Beam search for an encoder–decoder graph with the inputs and output of {@link GreedyDecoder}: one
 * source at a time, its {@code width} live hypotheses run as one batch; each step keeps the
 * {@code width} best one-token extensions of all of them by total log-probability; an extension by
 * {@code <eos>} is finished and leaves the beam. The search ends when {@code width} hypotheses have
 * finished, none is left alive, or after {@code maxLength} tokens (the live ones then end there,
 * unfinished, as greedy's do). The winner maximises log P(y | x) / lp(y) with GNMT's length penalty
 * lp(y) = ((5 + |y|) / 6)^α (Wu et al. 2016, eq. 14), |y| counting the {@code <eos>}; α = 0 is the
 * plain log-probability, α = 1 nearly its per-token mean. Like greedy, each step re-runs the graph on
 * the whole prefix: exactly what the teacher-forced network scores, O(T²) — correctness first.
 */
public final class BeamSearchDecoder {
    /** A finished (or cut off at the maximum length) output: tokens without {@code <eos>}. */
    public record Hypothesis(int[] tokens, double logProbability, boolean finished) {
        public double score(double alpha) { return logProbability / lengthPenalty(tokens.length + (finished ? 1 : 0), alpha); }
    }

    private BeamSearchDecoder() {}

    /** GNMT's length penalty ((5 + length) / 6)^α. */
    public static double lengthPenalty(int length, double alpha) { return Math.pow((5.0 + length) / 6.0, alpha); }

    /** The best output of each source. */
    public static List<int[]> decode(ComputationGraph net, List<int[]> sources, int width, double alpha, int maxLength) {
        List<int[]> out = new ArrayList<>(sources.size());
        for (int[] s : sources) out.add(best(net, s, width, alpha, maxLength).tokens());
        return out;
    }

    /** The best hypothesis for one source (non-empty ids). */
    public static Hypothesis best(ComputationGraph net, int[] source, int width, double alpha, int maxLength) {
        if (width < 1) throw new ZooException("bad value for beam width: " + width + " (must be >= 1)");
        if (source.length == 0) throw new ZooException("empty source: nothing to decode");
        net.clear();   // fit() leaves labels and masks set (docs/dl4j-notes.md)
        List<int[]> alive = new ArrayList<>(List.of(new int[0]));
        List<Double> aliveLogP = new ArrayList<>(List.of(0.0));
        List<Hypothesis> finished = new ArrayList<>();
        for (int t = 1; t <= maxLength && !alive.isEmpty() && finished.size() < width; t++) {
            float[][] logp = nextTokenLogProbabilities(net, source, alive);
            int v = logp[0].length;
            // every extension of every live hypothesis, best first; ties keep the lower (hypothesis, token) index, as argmax does
            Integer[] order = new Integer[alive.size() * v];
            double[] total = new double[order.length];
            for (int h = 0; h < alive.size(); h++)
                for (int k = 0; k < v; k++) { order[h * v + k] = h * v + k; total[h * v + k] = aliveLogP.get(h) + logp[h][k]; }
            Arrays.sort(order, (a, b) -> Double.compare(total[b], total[a]));
            List<int[]> nextAlive = new ArrayList<>();
            List<Double> nextLogP = new ArrayList<>();
            for (int r = 0; r < width; r++) {
                int h = order[r] / v, token = order[r] % v;
                if (token == Vocabulary.EOS_ID) finished.add(new Hypothesis(alive.get(h), total[order[r]], true));
                else {
                    int[] grown = Arrays.copyOf(alive.get(h), t);
                    grown[t - 1] = token;
                    nextAlive.add(grown);
                    nextLogP.add(total[order[r]]);
                }
            }
            alive = nextAlive;
            aliveLogP = nextLogP;
        }
        if (finished.size() < width)   // cut off at maxLength: the live ones count too
            for (int h = 0; h < alive.size(); h++) finished.add(new Hypothesis(alive.get(h), aliveLogP.get(h), false));
        net.clear();
        Hypothesis best = finished.get(0);
        for (Hypothesis h : finished) if (h.score(alpha) > best.score(alpha)) best = h;
        return best;
    }

    /** log P(target, then {@code <eos>} | source) under the teacher-forced network: what beam search maximises at α = 0. */
    public static double logProbability(ComputationGraph net, int[] source, int[] target) {
        net.clear();
        int t = target.length + 1;
        float[] d = new float[t];
        d[0] = Vocabulary.BOS_ID;
        for (int k = 0; k < target.length; k++) d[k + 1] = target[k];
        INDArray probs = run(net, source, Nd4j.create(d, new long[]{1, 1, t}, DataType.FLOAT), 1, t);
        double sum = 0;
        for (int k = 0; k < t; k++) sum += Math.log(probs.getDouble(0, k < target.length ? target[k] : Vocabulary.EOS_ID, k));
        net.clear();
        return sum;
    }

    /** log p(next token | source, prefix) for every prefix (all of one length), {@code [prefixes][vocab]}. */
    private static float[][] nextTokenLogProbabilities(ComputationGraph net, int[] source, List<int[]> prefixes) {
        int n = prefixes.size(), t = prefixes.get(0).length + 1;
        float[] d = new float[n * t];
        for (int i = 0; i < n; i++) {
            d[i * t] = Vocabulary.BOS_ID;
            for (int k = 0; k < t - 1; k++) d[i * t + k + 1] = prefixes.get(i)[k];
        }
        INDArray probs = run(net, source, Nd4j.create(d, new long[]{n, 1, t}, DataType.FLOAT), n, t);
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            float[] p = probs.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.point(t - 1)).dup().toFloatVector();
            for (int k = 0; k < p.length; k++) p[k] = (float) Math.log(Math.max(p[k], Float.MIN_NORMAL));
            out[i] = p;
        }
        return out;
    }

    /** The network's probabilities {@code [rows, vocab, t]} for one source repeated over {@code rows} decoder inputs; masks always passed. */
    private static INDArray run(ComputationGraph net, int[] source, INDArray decoderIn, int rows, int t) {
        if (rows == 1)   // a lone row runs beside a copy of itself: a [1, 1] mask broke DL4J's mask reshapes (docs/dl4j-notes.md)
            return run(net, source, Nd4j.concat(0, decoderIn, decoderIn), 2, t).get(NDArrayIndex.interval(0, 1), NDArrayIndex.all(), NDArrayIndex.all());
        float[] x = new float[rows * source.length];
        for (int i = 0; i < rows; i++) for (int k = 0; k < source.length; k++) x[i * source.length + k] = source[k];
        INDArray src = Nd4j.create(x, new long[]{rows, source.length}, DataType.FLOAT);
        return net.output(false, new INDArray[]{src, decoderIn},
                new INDArray[]{Nd4j.ones(DataType.FLOAT, rows, source.length), Nd4j.ones(DataType.FLOAT, rows, t)})[0];
    }
}
