package org.rnnzoo.models;

import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.AttentionVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToRnnPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.RnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.rnnzoo.common.ZooException;


/**
 * Encoder–decoder with global attention (Luong, Pham &amp; Manning 2015, "global" model): at every
 * decoder step the decoder state h_t scores each encoder state h̄_s, the softmax of the scores
 * weighs the encoder states into a context vector c_t, and [c_t; h_t] → tanh(W_c ·) → softmax
 * predicts the next target token (their eq. 5–6). Attention is a learned skip connection from
 * every source position to each target step, so no fixed-size bottleneck remains.
 *
 * <p>Same inputs and output as {@link Seq2Seq}: {@value Seq2Seq#SOURCE} {@code [batch, S]},
 * {@value Seq2Seq#TARGET_IN} {@code [batch, 1, T]}, {@value Seq2Seq#OUTPUT} {@code [batch, vocab, T]}.
 * As in {@link Seq2Seq}, the decoder also reads the encoder's last state beside each previous token.
 *
 * <p>Card key {@code score}: DL4J's {@link AttentionVertex} computes scaled dot-product attention,
 * softmax(K^T Q / √d), masked by the source mask (keys) and multiplied by the target mask (queries):
 * {@code dot} is that on the raw states (no projections, d = hidden); {@code general} projects the
 * queries and keys first (W_q, W_k: q^T W_q^T W_k k is Luong's bilinear score W_a = W_q^T W_k, scaled
 * by 1/√d) and the values and the output too (W_v, W_o). Luong's additive (Bahdanau) score needs a
 * vertex of our own and is not built.
 */
public final class Seq2SeqAttention {
    /** The vertex whose weights {@code decode.AttentionWeights} recomputes. */
    public static final String ATTENTION = "attention";
    public static final String SCORES = "dot, general";

    private Seq2SeqAttention() {}

    public static ComputationGraph build(ModelCard card, int sourceVocab, int targetVocab) {
        int hidden = card.getInt("hidden"), attention = card.getInt("attention");
        String score = card.getString("score");
        ZooGraph g = ZooGraph.start(card, Seq2Seq.inputs());
        // the decoder also reads the encoder's last state at every step, as in Seq2Seq (where Luong et al.
        // start the decoder from it): without it the decoder does not know the source length, and
        // reversal needs it to find the source's end (a zero-state decoder learned ~2x slower)
        Seq2Seq.Ends ends = Seq2Seq.encoderDecoder(g, card, sourceVocab, targetVocab);
        String encoded = ends.encoded(), decoded = ends.decoded();

        AttentionVertex.Builder a = new AttentionVertex.Builder().nHeads(1).nInQueries(hidden).nInKeys(hidden).nInValues(hidden);
        int contextWidth = switch (score) {
            // DL4J allows projectInput(false) only when every size equals nOut and there is one head
            case "dot" -> { a.nOut(hidden).projectInput(false); yield hidden; }
            case "general" -> { a.nOut(attention).projectInput(true); yield attention; }
            case "additive" -> throw new ZooException("score: additive (Bahdanau) is not built yet; supported: " + SCORES);
            default -> throw new ZooException("bad value for score: '" + score + "' (expected " + SCORES + ")");
        };
        // input order is queries, keys, values (docs: dl4j-notes.md); its masks come from the source and target
        String context = g.vertex(ATTENTION, a.build(), contextWidth, decoded, encoded, encoded);
        String joined = g.vertex("context_and_state", new MergeVertex(), contextWidth + hidden, context, decoded);
        // Luong's attentional hidden state h~_t = tanh(W_c [c_t; h_t]), the same dense layer at every step,
        // as DL4J's RNN ↔ feed-forward preprocessor pair: TimeDistributed(Dense) reorders the target mask
        // against its rows (a padded batch zeroed real steps), and fails on a [1, 1] mask (the decoders
        // run a lone example as two identical rows)
        String attentional = g.layer("attentional", new DenseLayer.Builder().nIn(contextWidth + hidden).nOut(hidden)
                .activation(Activation.TANH).build(), joined);
        g.dl4j().inputPreProcessor(attentional, new RnnToFeedForwardPreProcessor(RNNFormat.NCW));
        g.dl4j().inputPreProcessor(Seq2Seq.OUTPUT, new FeedForwardToRnnPreProcessor(RNNFormat.NCW));

        g.layer(Seq2Seq.OUTPUT, LanguageModelGraph.outputLayer(card.getString("output"), hidden, targetVocab,
                card.getDouble("dropout")), attentional);
        return g.build(Seq2Seq.OUTPUT);
    }
}
