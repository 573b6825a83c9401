package org.rnnzoo.decode;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rnnzoo.ZooException;
import org.rnnzoo.data.Vocabulary;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Ancestral sampling from a recurrent LM with {@code rnnTimeStep} (state kept inside the graph, one
 * token per call), with temperature, top-k and nucleus (top-p; Holtzman et al. 2020) filtering.
 */
public final class Sampler {
    /**
     * @param temperature &gt; 0; &lt; 1 sharpens, &gt; 1 flattens (softmax(logits / T) = p^(1/T) renormalised)
     * @param topK        keep the k most likely tokens (0 = all)
     * @param topP        keep the smallest set whose mass reaches p (1 = all)
     */
    public record Settings(double temperature, int topK, double topP, long seed) {
        public Settings {
            if (!(temperature > 0)) throw new ZooException("bad value for --temperature: " + temperature + " (must be > 0)");
            if (topK < 0) throw new ZooException("bad value for --top-k: " + topK + " (must be >= 0)");
            if (!(topP > 0 && topP <= 1)) throw new ZooException("bad value for --top-p: " + topP + " (must be in (0, 1])");
        }
    }

    private final ComputationGraph net;
    private final Vocabulary vocab;

    public Sampler(ComputationGraph net, Vocabulary vocab) {
        this.net = net;
        this.vocab = vocab;
    }

    /** Feeds the prompt (or a sentence boundary if empty), then samples {@code length} tokens. */
    public List<String> sample(List<String> prompt, int length, Settings s) {
        SplittableRandom rng = new SplittableRandom(s.seed());
        net.clear();
        net.rnnClearPreviousState();
        int[] context = prompt.isEmpty() ? new int[]{Vocabulary.EOS_ID} : vocab.encode(prompt);
        float[] ids = new float[context.length];
        for (int i = 0; i < ids.length; i++) ids[i] = context[i];
        INDArray probs = net.rnnTimeStep(Nd4j.create(ids, new long[]{1, ids.length}, DataType.FLOAT))[0];
        List<String> out = new ArrayList<>(length);
        INDArray in = Nd4j.create(DataType.FLOAT, 1, 1);
        for (int i = 0; i < length; i++) {
            // rnnTimeStep drops the time axis when it is fed a single step: [1, vocab] instead of [1, vocab, 1].
            INDArray last = probs.rank() == 2 ? probs
                    : probs.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.point(probs.size(2) - 1));
            float[] p = last.castTo(DataType.FLOAT).toFloatVector();
            int next = draw(p, s, rng);
            out.add(vocab.word(next));
            in.putScalar(0, 0, next);
            probs = net.rnnTimeStep(in)[0];
        }
        net.rnnClearPreviousState();
        return out;
    }

    /**
     * Draws one id from {@code p} after temperature, top-k and top-p; never draws reserved
     * padding/BOS. Filtering finds a probability cutoff on a sorted copy of the values (a primitive
     * sort, no boxed indices: sampling speed matters at 10k words); tokens tied at the cutoff stay in.
     */
    static int draw(float[] p, Settings s, SplittableRandom rng) {
        int n = p.length;
        double[] q = new double[n];
        double invT = 1.0 / s.temperature();
        double total = 0;
        for (int i = 0; i < n; i++) {
            if (i == Vocabulary.PAD_ID || i == Vocabulary.BOS_ID || !(p[i] > 0)) continue;
            q[i] = invT == 1.0 ? p[i] : Math.pow(p[i], invT);
            total += q[i];
        }
        double cutoff = Double.MIN_VALUE;
        if ((s.topK() > 0 && s.topK() < n) || s.topP() < 1) {
            double[] sorted = q.clone();
            Arrays.sort(sorted);                                   // ascending
            int keep = s.topK() > 0 ? Math.min(s.topK(), n) : n;
            double mass = 0;
            int r = 0;
            for (; r < keep; r++) {
                mass += sorted[n - 1 - r];
                if (mass >= s.topP() * total) break;
            }
            cutoff = Math.max(cutoff, sorted[n - 1 - Math.min(r, keep - 1)]);
        }
        double kept = 0;
        for (double v : q) if (v >= cutoff) kept += v;
        double u = rng.nextDouble() * kept;
        int lastKept = -1;
        for (int i = 0; i < n; i++) {
            if (q[i] < cutoff) continue;
            lastKept = i;
            u -= q[i];
            if (u <= 0) return i;
        }
        return lastKept;
    }

    static int draw(double[] p, Settings s, SplittableRandom rng) {
        float[] f = new float[p.length];
        for (int i = 0; i < p.length; i++) f[i] = (float) p[i];
        return draw(f, s, rng);
    }

    /** Joins sampled tokens as text: words with spaces and a newline per {@code <eos>}; characters as-is. */
    public static String detokenize(List<String> tokens, boolean charLevel) {
        StringBuilder sb = new StringBuilder();
        for (String t : tokens) {
            if (t.equals(Vocabulary.EOS)) { sb.append('\n'); continue; }
            if (!charLevel && sb.length() > 0 && sb.charAt(sb.length() - 1) != '\n') sb.append(' ');
            sb.append(t);
        }
        return sb.toString();
    }
}
