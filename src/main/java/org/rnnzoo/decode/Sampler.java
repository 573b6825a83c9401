package org.rnnzoo.decode;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.data.Vocabulary;
import org.rnnzoo.kernels.VectorMath;
import org.rnnzoo.kernels.Switches;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Ancestral sampling from a recurrent LM one token at a time, with temperature, top-k and nucleus
 * (top-p; Holtzman et al. 2020) filtering. Steps run through {@code rnnTimeStep} (state kept inside
 * the graph), or, for the embedding → FastLstm → softmax graphs of lstm-lm, through a
 * {@link HeapLstmDecoder} made from the graph's current parameters: the same distribution (a test
 * compares them), faster at batch 1 (docs/performance.md#sampling-byte-proposals-and-draws).
 * Unfiltered (top-k 0, top-p 1), the decoder draws
 * itself, exactly, by rejection from byte proposals ({@link HeapLstmDecoder#sample}); filtered,
 * the cutoffs need every probability, and {@link #draw} works on the float distribution.
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

    /** Ids no draw returns: padding and the sentence start are inputs only. */
    private static final int[] NEVER_DRAWN = {Vocabulary.PAD_ID, Vocabulary.BOS_ID};
    /**
     * A character model draws no {@code <unk>} and no {@code <eos>} either: neither is a character
     * (its stream holds {@code <eos>} only as the input before a split's first character).
     */
    private static final int[] NEVER_DRAWN_CHARS = {Vocabulary.PAD_ID, Vocabulary.UNK_ID, Vocabulary.EOS_ID, Vocabulary.BOS_ID};
    /** The longest opening {@link #sampleLine} reads before its first sampled character. */
    static final int MAX_OPENING = 200;
    /**
     * -Drnnzoo.sampleProposals=false: the default for {@code proposals} (see the constructor) becomes
     * false, for measuring in separate processes what the byte proposals give.
     */
    private static final boolean PROPOSALS = Switches.SAMPLE_PROPOSALS;

    private final ComputationGraph net;
    private final Vocabulary vocab;
    private final int decoderThreads;
    private final boolean proposals;
    private long proposalsMade, tokensKept, boundsBroken;

    public Sampler(ComputationGraph net, Vocabulary vocab) {
        this(net, vocab, HeapLstmDecoder.defaultThreads());
    }

    /**
     * @param decoderThreads threads of the {@link HeapLstmDecoder} used where the graph has its shape
     *                       (1 or 2); 0 = never use it, always rnnTimeStep
     */
    public Sampler(ComputationGraph net, Vocabulary vocab, int decoderThreads) {
        this(net, vocab, decoderThreads, PROPOSALS);
    }

    /**
     * @param proposals whether unfiltered draws on the heap decoder come from its byte proposals
     *                  ({@link HeapLstmDecoder#sample}; the default) or from the float distribution:
     *                  the same distribution, for measuring what the proposals give
     */
    public Sampler(ComputationGraph net, Vocabulary vocab, int decoderThreads, boolean proposals) {
        if (decoderThreads < 0 || decoderThreads > 2) throw new ZooException("bad value for decoder threads: " + decoderThreads + " (must be 0, 1 or 2)");
        this.net = net;
        this.vocab = vocab;
        this.decoderThreads = decoderThreads;
        this.proposals = proposals;
    }

    /**
     * Of the draws from byte proposals in this sampler's {@link #sample} calls so far, the fraction
     * kept (NaN when none were made): each rejection costs a redraw and a dot product.
     */
    public double keptFraction() {
        return proposalsMade == 0 ? Double.NaN : tokensKept / (double) proposalsMade;
    }

    /** Draws so far whose exact logit stood above its proposal's bound: 0 unless the bound is broken. */
    public long boundsBroken() {
        return boundsBroken;
    }

    /** Feeds the prompt (or a sentence boundary if empty), then samples {@code length} tokens. */
    public List<String> sample(List<String> prompt, int length, Settings s) {
        return sample(prompt.isEmpty() ? new int[]{Vocabulary.EOS_ID} : vocab.encode(prompt), length, s, NEVER_DRAWN);
    }

    /**
     * A character model's sample: the prompt's characters, then {@code length} characters, never
     * {@code <unk>} or {@code <eos>}. With no prompt, the sample starts on a new line of the
     * model's own: from the boundary a split starts with, the likeliest characters (not part of
     * the sample) up to the first line break. A model trained with its state carried along the
     * stream has met a zero state only at the start of its batch rows; read from one, a bare
     * {@code "\n"} (the old default) led a one-epoch tiny-shakespeare model into runs of rare
     * capitals and {@code <unk>} for most seeds, while after its likeliest opening line every seed
     * gave text as likely under the model as the test text (docs/reliability.md).
     */
    public List<String> sampleCharacters(String prompt, int length, Settings s) {
        int[] context = prompt.isEmpty() ? opening() : vocab.encode(prompt.codePoints().mapToObj(Character::toString).toList());
        return sample(context, length, s, NEVER_DRAWN_CHARS);
    }

    /** The boundary, then greedy characters through the first line break after some other character. */
    int[] opening() {
        int newline = vocab.contains("\n") ? vocab.id("\n") : -1;
        List<Integer> ids = new ArrayList<>(List.of(Vocabulary.EOS_ID));
        Optional<HeapLstmDecoder> fast = decoderThreads > 0 ? HeapLstmDecoder.of(net, decoderThreads) : Optional.empty();
        float[] p;
        if (fast.isPresent()) {
            fast.get().advance(Vocabulary.EOS_ID);
            p = fast.get().probabilities();
        } else {
            net.rnnClearPreviousState();
            p = lastStep(net.rnnTimeStep(Nd4j.create(new float[]{Vocabulary.EOS_ID}, new long[]{1, 1}, DataType.FLOAT))[0]);
        }
        boolean text = false;
        for (int i = 0; i < MAX_OPENING; i++) {
            int best = -1;
            for (int id = 0; id < p.length; id++)
                if (!excluded(id, NEVER_DRAWN_CHARS) && (best < 0 || p[id] > p[best])) best = id;
            ids.add(best);
            if (best == newline && text) break;
            text |= best != newline;
            if (fast.isPresent()) {
                fast.get().advance(best);
                p = fast.get().probabilities();
            } else {
                p = lastStep(net.rnnTimeStep(Nd4j.create(new float[]{best}, new long[]{1, 1}, DataType.FLOAT))[0]);
            }
        }
        if (fast.isEmpty()) net.rnnClearPreviousState();
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    private static boolean excluded(int id, int[] never) {
        for (int n : never) if (n == id) return true;
        return false;
    }

    /** rnnTimeStep drops the time axis when it is fed a single step: [1, vocab] instead of [1, vocab, 1]. */
    private static float[] lastStep(INDArray probs) {
        INDArray last = probs.rank() == 2 ? probs
                : probs.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.point(probs.size(2) - 1));
        return last.castTo(DataType.FLOAT).toFloatVector();
    }

    private List<String> sample(int[] context, int length, Settings s, int[] never) {
        SplittableRandom rng = new SplittableRandom(s.seed());
        Optional<HeapLstmDecoder> fast = decoderThreads > 0 ? HeapLstmDecoder.of(net, decoderThreads) : Optional.empty();
        List<String> out = new ArrayList<>(length);
        if (fast.isPresent()) {
            HeapLstmDecoder d = fast.get();
            for (int id : context) d.advance(id);
            // unfiltered, the decoder draws from softmax(z / T) itself, exactly, from a byte copy of the
            // output weights (HeapLstmDecoder#sample); top-k and top-p need the whole distribution
            boolean direct = s.topK() == 0 && s.topP() == 1 && proposals;
            for (int i = 0; i < length; i++) {
                int next = direct ? d.sample(s.temperature(), never, rng) : draw(d.probabilities(), s, rng, never);
                out.add(vocab.word(next));
                d.advance(next);
            }
            proposalsMade += d.proposals();
            tokensKept += d.samples();
            boundsBroken += d.boundViolations();
            return out;
        }
        net.clear();
        net.rnnClearPreviousState();
        float[] ids = new float[context.length];
        for (int i = 0; i < ids.length; i++) ids[i] = context[i];
        INDArray probs = net.rnnTimeStep(Nd4j.create(ids, new long[]{1, ids.length}, DataType.FLOAT))[0];
        INDArray in = Nd4j.create(DataType.FLOAT, 1, 1);
        for (int i = 0; i < length; i++) {
            int next = draw(lastStep(probs), s, rng, never);
            out.add(vocab.word(next));
            in.putScalar(0, 0, next);
            probs = net.rnnTimeStep(in)[0];
        }
        net.rnnClearPreviousState();
        return out;
    }

    /**
     * Draws one id from {@code p} after temperature, top-k and top-p; never draws reserved
     * padding/BOS; tokens tied at the cutoff stay in. The cutoff is the larger of the k-th largest
     * value and the nucleus's smallest value, found by selection ({@link Cutoffs}), not by sorting.
     */
    static int draw(float[] p, Settings s, SplittableRandom rng) {
        return draw(p, s, rng, NEVER_DRAWN);
    }

    /** As above, never drawing the ids in {@code never}. */
    static int draw(float[] p, Settings s, SplittableRandom rng, int[] never) {
        int n = p.length;
        float[] q = new float[n];
        if (s.temperature() == 1.0) System.arraycopy(p, 0, q, 0, n);
        else {
            // softmax(z/T) ∝ p^(1/T) ∝ (p / max p)^(1/T): relative to the largest, the likeliest tokens
            // cannot underflow (0.3^100 does, and a low temperature left nothing to draw)
            float top = 0;
            for (float v : p) top = Math.max(top, v);
            for (int i = 0; i < n; i++) q[i] = p[i] / top;
            VectorMath.pow(q, (float) (1.0 / s.temperature()), q);
        }
        for (int id : never) if (id < n) q[id] = 0;
        double total = 0;
        float max = 0;
        for (int i = 0; i < n; i++) {
            if (!(q[i] > 0)) q[i] = 0;
            total += q[i];
            max = Math.max(max, q[i]);
        }
        float cutoff = Float.MIN_VALUE;
        int k = s.topK() > 0 && s.topK() < n ? s.topK() : 0;
        // Unfiltered, every positive value is kept and their sum is the total already made, the same
        // additions in the same order: a second serial pass over the vocabulary would add nothing.
        double kept = total;
        if (k > 0 || s.topP() < 1) {
            float[] top = largest(q, max, Math.max(k, 1), s.topP() < 1 ? s.topP() * total : 0);
            if (k > 0) cutoff = Math.max(cutoff, Cutoffs.kthLargest(top.clone(), top.length, k));
            if (s.topP() < 1) cutoff = Math.max(cutoff, Cutoffs.nucleusBoundary(top, top.length, s.topP() * total));
            kept = 0;
            for (float v : q) if (v >= cutoff) kept += v;
        }
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

    /**
     * The values of q at or above a threshold low enough that they number at least {@code count}
     * and hold at least {@code mass}: the top-k set and the nucleus are prefixes of q in descending
     * order, so they lie among these, and the selection need only look at them. The threshold
     * starts at max/1000 and drops tenfold until both hold (at 0 it is all of q).
     */
    private static float[] largest(float[] q, float max, int count, double mass) {
        for (float threshold = max * 1e-3f; ; threshold *= 0.1f) {
            if (threshold < Float.MIN_NORMAL) return q.clone();
            int c = 0;
            double m = 0;
            for (float v : q) if (v >= threshold) { c++; m += v; }
            if (c >= count && m >= mass) {
                float[] top = new float[c];
                int j = 0;
                for (float v : q) if (v >= threshold) top[j++] = v;
                return top;
            }
        }
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
