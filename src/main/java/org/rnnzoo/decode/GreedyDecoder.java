package org.rnnzoo.decode;

import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.List;

/**
 * Greedy decoding of an encoder–decoder graph (inputs: source ids, decoder input ids; output:
 * target probabilities {@code [batch, vocab, time]}): start from {@code <s>}, append the most
 * probable token, stop at {@code <eos>}: beam search of width 1, {@code batch} sources at a time,
 * each source's encoder run once.
 */
public final class GreedyDecoder {
    private GreedyDecoder() {}

    /** Decodes every source, {@code batch} at a time; outputs exclude {@code <eos>}, at most {@code maxLength} tokens. */
    public static List<int[]> decode(ComputationGraph net, List<int[]> sources, int batch, int maxLength) {
        return BeamSearchDecoder.search(net, sources, 1, 0.0, maxLength, batch).stream().map(BeamSearchDecoder.Hypothesis::tokens).toList();
    }
}
