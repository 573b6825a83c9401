package org.rnnzoo.models;

import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.rnn.DuplicateToTimeSeriesVertex;
import org.deeplearning4j.nn.conf.graph.rnn.LastTimeStepVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.rnnzoo.layers.FastEmbedding;
import org.rnnzoo.layers.FastMergeVertex;
import org.rnnzoo.common.ZooException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encoder–decoder without attention (Sutskever, Vinyals &amp; Le 2014; Cho et al. 2014), the
 * lecture's bottleneck baseline: an encoder reads the source; its final state (a bi encoder's:
 * see {@code thought} below), one fixed-size vector, is all the decoder learns about the source.
 * The decoder is a conditional language model trained with teacher forcing.
 *
 * <p>Card key {@code bridge}, how that summary reaches the decoder. {@code state}, what the issue
 * (#22) asked for: the decoder's first LSTM layer starts from it, h0 = tanh(W_b s + b_b), c0 = 0
 * (Bahdanau et al. 2015, appendix A.2.2), and reads the previous target token alone, as in
 * Sutskever et al. and Luong et al. {@code input} (the default, and what a card without the key
 * means): it is read beside the previous target token at every step, from a zero state (Cho et
 * al.'s conditioning, as DL4J's own seq2seq example wires it). The graph is the same for both —
 * the summary repeated along target time beside each previous token — because DL4J's recurrent
 * layers take no initial-state input: under {@code state} the decoder's first layer reads the
 * summary's columns at step 0 only, to make its state (FastLstm's initial-state width).
 *
 * <p>Inputs: {@value #SOURCE} ids {@code [batch, S]} and {@value #TARGET_IN} — the target shifted
 * right, {@code <s> y1 … yn} — {@code [batch, T]}, each with its mask; output {@value #OUTPUT}:
 * probabilities {@code [batch, target vocab, T]} of {@code y1 … yn <eos>}.
 */
public final class Seq2Seq {
    public static final String SOURCE = "source", TARGET_IN = "target_in", OUTPUT = "target";

    private Seq2Seq() {}

    public static ComputationGraph build(ModelCard card, int sourceVocab, int targetVocab) {
        ZooGraph g = ZooGraph.start(card, inputs());
        Ends ends = encoderDecoder(g, card, sourceVocab, targetVocab, false);
        g.layer(OUTPUT, LanguageModelGraph.outputLayer(card.getString("output"), g.width(ends.decoded()), targetVocab,
                card.getDouble("dropout")), ends.decoded());
        return g.build(OUTPUT);
    }

    /** The graph's two inputs, in order: input 0 is the source. */
    static Map<String, Integer> inputs() {
        Map<String, Integer> inputs = new LinkedHashMap<>();
        inputs.put(SOURCE, 1);
        inputs.put(TARGET_IN, 1);
        return inputs;
    }

    /** The encoder's states at every source step and the decoder's at every target step. */
    record Ends(String encoded, String decoded) {}

    /**
     * Embeddings, the encoder stack, and the decoder stack reading each previous target token beside
     * the encoder's final state: the part every encoder–decoder of the zoo shares (attention adds its
     * vertex on the two ends).
     */
    static Ends encoderDecoder(ZooGraph g, ModelCard card, int sourceVocab, int targetVocab) {
        return encoderDecoder(g, card, sourceVocab, targetVocab, true);
    }

    /**
     * As above; {@code attended} false: a bi encoder summed up by {@code thought: ends} builds no
     * combined states, which nothing would read (DL4J refuses a disconnected vertex), and
     * {@code Ends.encoded} is null.
     */
    private static Ends encoderDecoder(ZooGraph g, ModelCard card, int sourceVocab, int targetVocab, boolean attended) {
        int emb = card.getInt("embedding");
        String source = g.layer("src_embed", ZooGraph.embeddingInit(card, FastEmbedding.create(sourceVocab, emb, RNNFormat.NCW)), SOURCE);
        String summary = thoughtRule(card, attended);
        boolean none = summary.equals("none");
        String encoded, thought;
        switch (card.getString("encoder")) {
            case "uni" -> {
                encoded = LanguageModelGraph.plainStack(card, "enc", RecurrentCells.of(card)).add(g, source);
                // the bottleneck: the encoder's state at each source's own last step (through the source mask) ...
                thought = none ? null : g.vertex("thought", new LastTimeStepVertex(SOURCE), g.width(encoded), encoded);
            }
            // both directions, each reversed within its own length (Yao & Zweig 2015's G2P encoder is bidirectional)
            case "bi" -> {
                BidirectionalEncoder.Directions d = BidirectionalEncoder.directions(g, card, source, SOURCE);
                boolean ends = summary.equals("ends");
                encoded = attended || summary.equals("last") ? BidirectionalEncoder.states(g, card, d, SOURCE) : null;
                thought = none ? null : ends ? endsThought(g, card, d) : g.vertex("thought", new LastTimeStepVertex(SOURCE), g.width(encoded), encoded);
            }
            default -> throw new ZooException("bad value for encoder: '" + card.getString("encoder") + "' (expected uni or bi)");
        }
        // ... repeated along the decoder's time axis and read beside each previous target token; with
        // thought none the decoder reads the previous token alone and learns of the source through attention only
        String repeated = none ? null : g.vertex("thought_t", new DuplicateToTimeSeriesVertex(TARGET_IN), g.width(thought), thought);
        String previous = g.layer("tgt_embed", ZooGraph.embeddingInit(card, FastEmbedding.create(targetVocab, emb, RNNFormat.NCW)), TARGET_IN);
        String decoderIn = none ? previous : g.vertex("dec_in", new FastMergeVertex(), g.width(previous) + g.width(repeated), previous, repeated);
        var cell = RecurrentCells.of(card);
        // bridge state: the same graph, but the first decoder layer reads the summary columns at step 0 only, as its initial state
        var first = startsFromSummary(card, none) ? RecurrentCells.startingFromSummary(card, g.width(repeated)) : cell;
        return new Ends(encoded, LanguageModelGraph.plainStack(card, "dec", first, cell).add(g, decoderIn));
    }

    /**
     * Card key {@code bridge}: {@code input} (the summary beside every previous token; a card without
     * the key) or {@code state} (the decoder's first layer starts from it); see the class comment.
     */
    private static boolean startsFromSummary(ModelCard card, boolean noSummary) {
        String bridge = card.has("bridge") ? card.getString("bridge") : "input";
        return switch (bridge) {
            case "input" -> false;
            case "state" -> {
                if (noSummary) throw new ZooException("bad value for bridge: 'state' needs a summary to start the decoder from, "
                        + "and thought: none gives none (use bridge: input, or thought: ends or last)");
                yield true;
            }
            default -> throw new ZooException("bad value for bridge: '" + bridge + "' (expected input or state)");
        };
    }

    /**
     * Which summary of the source a bi encoder hands the decoder ({@code thought}). {@code ends}:
     * each direction's state after it has read the whole source, joined by the card's
     * {@code combine} — the forward stack's at the last real step and the backward stack's at the
     * first word (its own last step, before it is reversed back), as a PyTorch bidirectional LSTM's
     * final states {@code h_n} are. {@code last}: the combined states at the last real step, whose
     * backward half has read only the last word; the first wiring, kept for ablation, and what a
     * card without the key (an older checkpoint's) means. {@code none} (attention only, any encoder):
     * no summary at all, the decoder reads the previous token alone and sees the source only through
     * attention, as Bahdanau et al.'s decoder reads only its context vectors.
     */
    private static String thoughtRule(ModelCard card, boolean attended) {
        String rule = card.has("thought") ? card.getString("thought") : "last";
        return switch (rule) {
            case "ends", "last" -> rule;
            case "none" -> {
                if (!attended)
                    throw new ZooException("bad value for thought: 'none' leaves a decoder without attention blind to the source "
                            + "(seq2seq-attention takes it; expected ends or last)");
                yield rule;
            }
            default -> throw new ZooException("bad value for thought: '" + rule + "' (expected ends, last or none)");
        };
    }

    private static String endsThought(ZooGraph g, ModelCard card, BidirectionalEncoder.Directions d) {
        String f = g.vertex("forward_last", new LastTimeStepVertex(SOURCE), g.width(d.forward()), d.forward());
        String b = g.vertex("backward_last", new LastTimeStepVertex(SOURCE), g.width(d.backward()), d.backward());
        return BidirectionalEncoder.combine(g, card, "thought", f, b);
    }
}
