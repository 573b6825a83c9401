package org.rnnzoo.models;

import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.rnnzoo.layers.FastMergeVertex;
import org.rnnzoo.layers.ReverseWithinLengthVertex;
import org.rnnzoo.common.ZooException;

/**
 * The bidirectional encoder of the lecture (Schuster &amp; Paliwal 1997; Graves &amp; Schmidhuber
 * 2005): one recurrent stack reads the sentence left to right, a second stack of its own reads it
 * right to left, and each position's state is the two directions' states at that word, combined
 * by concatenation ({@code combine: concat}, width 2·hidden) or a sum ({@code combine: sum},
 * width hidden). Every state then depends on the whole sentence: "terribly" is read together with
 * the "exciting" after it.
 *
 * <p>The backward stack reads {@code ReverseWithinLengthVertex(input)} of the embedding (DL4J's
 * ReverseTimeSeriesVertex in one native call), which reverses each example within its own length
 * (the input's mask), and its output is reversed back
 * the same way. DL4J's {@code Bidirectional} wrapper reverses the whole padded batch instead, so its
 * backward direction would read the padding first: a sentence would score differently alone and
 * inside a batch of longer ones (docs/dl4j-notes.md; BidirectionalPaddingTest).
 */
public final class BidirectionalEncoder {
    /**
     * The two stacks' top layers, for a head that reads them apart.
     *
     * @param forward        the forward stack's top layer, in reading order
     * @param backward       the backward stack's top layer before it is reversed back: its last real
     *                       step has read the whole sentence from the right (the backward "summary")
     */
    public record Directions(String forward, String backward) {}

    private BidirectionalEncoder() {}

    /**
     * Adds both stacks over {@code embedded} and combines them per position; returns the name of
     * the states {@code [batch, width, time]}. {@code input} names the graph input whose mask gives
     * each example's length. Card keys {@code cell}, {@code hidden}, {@code layers} (per direction),
     * {@code dropout}, {@code combine}.
     */
    public static String add(ZooGraph g, ModelCard card, String embedded, String input) {
        return states(g, card, directions(g, card, embedded, input), input);
    }

    /** The two stacks' states combined per position, as {@link #add} returns them. */
    public static String states(ZooGraph g, ModelCard card, Directions d, String input) {
        // reversed back within each length, so position t holds word t's state read from the right
        String backInOrder = g.vertex("reverse_out", new ReverseWithinLengthVertex(input), g.width(d.backward()), d.backward());
        return combine(g, card, "states", d.forward(), backInOrder);
    }

    /** Adds both stacks (layers fwd0.., bwd0..) without combining them. */
    public static Directions directions(ZooGraph g, ModelCard card, String embedded, String input) {
        String forward = LanguageModelGraph.plainStack(card, "fwd", RecurrentCells.of(card)).add(g, embedded);
        String reversed = g.vertex("reverse_in", new ReverseWithinLengthVertex(input), g.width(embedded), embedded);
        String backward = LanguageModelGraph.plainStack(card, "bwd", RecurrentCells.of(card)).add(g, reversed);
        return new Directions(forward, backward);
    }

    /** The card's {@code combine} of two vertices of the same width: concat or sum. */
    static String combine(ZooGraph g, ModelCard card, String name, String a, String b) {
        int w = g.width(a);
        return switch (card.getString("combine")) {
            case "concat" -> g.vertex(name, new FastMergeVertex(), w + g.width(b), a, b);
            case "sum" -> g.vertex(name, new ElementWiseVertex(ElementWiseVertex.Op.Add), w, a, b);
            default -> throw new ZooException("bad value for combine: '" + card.getString("combine") + "' (expected concat or sum)");
        };
    }
}
