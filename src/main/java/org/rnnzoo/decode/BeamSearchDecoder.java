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
 * Beam search for an encoder–decoder graph (inputs: source ids, decoder input ids; output: target
 * probabilities {@code [batch, vocab, time]}), over many sources at once: each source gets
 * {@code width} rows of one batch, its encoder runs once ({@link IncrementalDecoder}), and each
 * step keeps, per source, the {@code width} best one-token extensions of its live hypotheses by
 * total log-probability; an extension by {@code <eos>} is finished and leaves the beam. A source's
 * search ends when {@code width} hypotheses have finished, none is left alive, or after
 * {@code maxLength} tokens (the live ones then end there, unfinished). The winner maximises
 * log P(y | x) / lp(y) with GNMT's length penalty lp(y) = ((5 + |y|) / 6)^α (Wu et al. 2016, eq. 14),
 * |y| counting the {@code <eos>}; α = 0 is the plain log-probability. Width 1 is greedy decoding.
 */
public final class BeamSearchDecoder {
    /** Rows of one decoder batch: sources × width. */
    static final int ROWS = 256;

    /** A finished (or cut off at the maximum length) output: tokens without {@code <eos>}. */
    public record Hypothesis(int[] tokens, double logProbability, boolean finished) {
        public double score(double alpha) { return logProbability / lengthPenalty(tokens.length + (finished ? 1 : 0), alpha); }
    }

    private BeamSearchDecoder() {}

    /** GNMT's length penalty ((5 + length) / 6)^α. */
    public static double lengthPenalty(int length, double alpha) { return Math.pow((5.0 + length) / 6.0, alpha); }

    /** The best output of each source. */
    public static List<int[]> decode(ComputationGraph net, List<int[]> sources, int width, double alpha, int maxLength) {
        return search(net, sources, width, alpha, maxLength, ROWS).stream().map(Hypothesis::tokens).toList();
    }

    /** The best hypothesis for one source (non-empty ids). */
    public static Hypothesis best(ComputationGraph net, int[] source, int width, double alpha, int maxLength) {
        return search(net, List.of(source), width, alpha, maxLength, ROWS).get(0);
    }

    /**
     * The best hypothesis of every source (each non-empty), {@code max(width, rows)} decoder rows at a time.
     */
    public static List<Hypothesis> search(ComputationGraph net, List<int[]> sources, int width, double alpha, int maxLength, int rows) {
        return search(List.of(net), sources, width, alpha, maxLength, rows);
    }

    /**
     * As {@link #search(ComputationGraph, List, int, double, int, int)} with one net or an ensemble of several over
     * the same vocabularies: each step's log-probabilities are the members' mean ({@link EnsembleDecoder}).
     */
    public static List<Hypothesis> search(List<ComputationGraph> nets, List<int[]> sources, int width, double alpha, int maxLength, int rows) {
        if (width < 1) throw new ZooException("bad value for beam width: " + width + " (must be >= 1)");
        if (maxLength < 1) throw new ZooException("bad value for the maximum output length: " + maxLength + " (must be >= 1)");
        for (int[] s : sources) if (s.length == 0) throw new ZooException("empty source: nothing to decode");
        List<Hypothesis> out = new ArrayList<>(sources.size());
        if (sources.isEmpty()) return out;
        StepDecoder decoder = nets.size() == 1 ? new IncrementalDecoder(nets.get(0)) : new EnsembleDecoder(nets);
        int perChunk = Math.max(1, rows / width);
        for (int from = 0; from < sources.size(); from += perChunk)
            out.addAll(chunk(decoder, sources.subList(from, Math.min(sources.size(), from + perChunk)), width, alpha, maxLength));
        decoder.finish();
        return out;
    }

    /** One source's search: its live hypotheses (one per slot, in slot order) and finished ones. */
    private static final class Beam {
        List<int[]> alive = new ArrayList<>(List.of(new int[0]));
        List<Double> logP = new ArrayList<>(List.of(0.0));
        final List<Hypothesis> finished = new ArrayList<>();

        boolean done(int width) { return alive.isEmpty() || finished.size() >= width; }
    }

    private static List<Hypothesis> chunk(StepDecoder decoder, List<int[]> sources, int width, double alpha, int maxLength) {
        int n = sources.size(), rows = decoder.start(sources, width);
        List<Beam> beams = new ArrayList<>();
        for (int i = 0; i < n; i++) beams.add(new Beam());
        int[] previous = new int[rows], parents = new int[rows];
        for (int t = 1; t <= maxLength; t++) {
            boolean any = false;
            for (int i = 0; i < n; i++) {
                Beam b = beams.get(i);
                // a finished beam stops growing while the others go on: its rows read <s>, and their outputs are ignored
                boolean live = !b.done(width);
                for (int j = 0; j < width; j++)
                    previous[i * width + j] = live && j < b.alive.size() && t > 1 ? b.alive.get(j)[t - 2] : Vocabulary.BOS_ID;
                any |= live;
            }
            if (!any) break;
            float[][] logp = decoder.step(previous);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < width; j++) parents[i * width + j] = i * width + j;
                Beam b = beams.get(i);
                if (b.done(width)) continue;
                int v = logp[0].length;
                // the width best extensions of all live hypotheses; on a tie the lower (slot, token) index first, as argmax
                int[] best = new int[width];
                double[] total = new double[width];
                int kept = 0;
                for (int h = 0; h < b.alive.size(); h++)
                    for (int k = 0; k < v; k++) {
                        double x = b.logP.get(h) + logp[i * width + h][k];
                        if (kept == width && x <= total[width - 1]) continue;
                        int r = Math.min(kept, width - 1);
                        while (r > 0 && total[r - 1] < x) { total[r] = total[r - 1]; best[r] = best[r - 1]; r--; }
                        total[r] = x;
                        best[r] = h * v + k;
                        kept = Math.min(width, kept + 1);
                    }
                List<int[]> nextAlive = new ArrayList<>();
                List<Double> nextLogP = new ArrayList<>();
                for (int r = 0; r < kept; r++) {
                    int h = best[r] / v, token = best[r] % v;
                    if (token == Vocabulary.EOS_ID) b.finished.add(new Hypothesis(b.alive.get(h), total[r], true));
                    else {
                        int[] grown = Arrays.copyOf(b.alive.get(h), t);
                        grown[t - 1] = token;
                        parents[i * width + nextAlive.size()] = i * width + h;
                        nextAlive.add(grown);
                        nextLogP.add(total[r]);
                    }
                }
                b.alive = nextAlive;
                b.logP = nextLogP;
            }
            decoder.reorder(parents);
        }
        List<Hypothesis> out = new ArrayList<>(n);
        for (Beam b : beams) {
            if (b.finished.size() < width)   // cut off at maxLength: the live ones count too
                for (int h = 0; h < b.alive.size(); h++) b.finished.add(new Hypothesis(b.alive.get(h), b.logP.get(h), false));
            Hypothesis best = b.finished.get(0);
            for (Hypothesis h : b.finished) if (h.score(alpha) > best.score(alpha)) best = h;
            out.add(best);
        }
        return out;
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
