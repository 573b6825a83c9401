package org.rnnzoo.models;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.rnnzoo.layers.FastMergeVertex;
import org.rnnzoo.layers.GlobalAttentionVertex;
import org.rnnzoo.layers.SequenceDense;


/**
 * Encoder–decoder with global attention (Luong, Pham &amp; Manning 2015, "global" model): at every
 * decoder step the decoder state h_t scores each encoder state h̄_s, the softmax of the scores
 * weighs the encoder states into a context vector c_t, and [c_t; h_t] → tanh(W_c ·) → softmax
 * predicts the next target token (their eq. 5–6). Attention is a learned skip connection from
 * every source position to each target step, so no fixed-size bottleneck remains.
 *
 * <p>Same inputs and output as {@link Seq2Seq}: {@value Seq2Seq#SOURCE} {@code [batch, S]},
 * {@value Seq2Seq#TARGET_IN} {@code [batch, 1, T]}, {@value Seq2Seq#OUTPUT} {@code [batch, vocab, T]}.
 * As in {@link Seq2Seq}, the decoder also learns of the encoder's summary, unless {@code thought: none}
 * (then it learns of the source through attention only): card key {@code bridge} ({@link Seq2Seq}),
 * {@code input} reads it beside each previous token (the default), {@code state} starts the decoder's
 * first layer from it, h0 = tanh(W_b s + b_b) — the wiring the issue (#22) asked for, Bahdanau et
 * al.'s s0 = tanh(W_s h_1 backward) and Luong et al.'s decoder started from the encoder's state.
 *
 * <p>Card key {@code score} (Luong eq. 8; {@link GlobalAttentionVertex}): {@code dot} h_t·h̄_s,
 * {@code general} h_t^T W_a h̄_s, {@code additive} v^T tanh(W_1 h̄_s + W_2 h_t) (Bahdanau et al.
 * 2015) with {@code attention} hidden units. Padded source positions get weight 0.
 *
 * <p>Luong's input feeding (h~_{t−1} joined to the decoder's input at step t) is not built: h~_{t−1}
 * depends on the decoder's own state at t−1 through the attention, so the decoder input is no longer
 * known before the decoder runs — teacher forcing supplies y_{t−1}, not h~_{t−1}. A DL4J recurrent
 * layer reads its whole input sequence at once, so this loop needs a recurrent layer with the
 * attention inside its step, which the zoo does not have.
 */
public final class Seq2SeqAttention {
    /** The attention vertex, whose weights {@code decode.AttentionWeights} reads. */
    public static final String ATTENTION = "attention";

    private Seq2SeqAttention() {}

    public static ComputationGraph build(ModelCard card, int sourceVocab, int targetVocab) {
        int hidden = card.getInt("hidden");
        ZooGraph g = ZooGraph.start(card, Seq2Seq.inputs());
        // the decoder also learns of the encoder's summary, as in Seq2Seq (bridge: input at every step, or state,
        // its first layer starting from it as Luong et al.'s does): without it the decoder does not know the source
        // length, and reversal needs it to find the source's end (a zero-state decoder learned ~2x slower)
        Seq2Seq.Ends ends = Seq2Seq.encoderDecoder(g, card, sourceVocab, targetVocab);
        String encoded = ends.encoded(), decoded = ends.decoded();
        int keys = g.width(encoded);
        // queries, keys in that order: the vertex's masks are the target's and the source's
        String context = g.vertex(ATTENTION, new GlobalAttentionVertex(card.getString("score"), g.width(decoded), keys,
                card.getInt("attention")).scaled(scaled(card)), keys, decoded, encoded);
        String joined = g.vertex("context_and_state", new FastMergeVertex(), keys + g.width(decoded), context, decoded);
        // Luong's attentional hidden state h~_t = tanh(W_c [c_t; h_t]), the same dense layer at every step.
        // SequenceDense is DL4J's dense layer between the RNN <-> feed-forward preprocessor pair, without their
        // permuted copies (docs/performance.md, "Sixteenth session"); DL4J's TimeDistributed(Dense) reorders
        // the target mask against its rows (a padded batch zeroed real steps) and fails on a [1, 1] mask
        String attentional = g.layer("attentional", SequenceDense.create(keys + g.width(decoded), hidden, Activation.TANH), joined);

        g.layer(Seq2Seq.OUTPUT, LanguageModelGraph.outputLayer(card.getString("output"), hidden, targetVocab,
                card.getDouble("dropout")), attentional);
        return g.build(Seq2Seq.OUTPUT);
    }

    /** Card key {@code scale}: none (Luong's scores as they are; a card without the key) or sqrt (divided by √ the encoder's width). */
    private static boolean scaled(ModelCard card) {
        String scale = card.has("scale") ? card.getString("scale") : "none";
        return switch (scale) {
            case "none" -> false;
            case "sqrt" -> true;
            default -> throw new org.rnnzoo.common.ZooException("bad value for scale: '" + scale + "' (expected none or sqrt)");
        };
    }
}
