package org.rnnzoo.models;

import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.impl.LossSparseMCXENT;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.layers.FastEmbedding;
import org.rnnzoo.layers.FusedSoftmaxOutput;

import java.util.function.BiFunction;

/**
 * The shape every recurrent LM in the zoo shares: token ids → embedding → a recurrent body →
 * softmax over the vocabulary. An architecture file ({@link RnnLm}, {@link LstmLm}) supplies the
 * body: it receives the graph and the name of the embedding, adds its layers and vertices, and
 * returns the name of what the softmax reads.
 *
 * <p>Graph inputs/outputs: input {@value #INPUT} holds ids {@code [batch, time]}; output
 * {@value #OUTPUT} gives probabilities {@code [batch, vocab, time]}; labels are integer ids
 * {@code [batch, 1, time]} (sparse cross-entropy: a one-hot [batch, 10k, time] label array costs
 * more memory traffic than the LSTM itself).
 */
final class LanguageModelGraph {
    static final String INPUT = "tokens";
    static final String OUTPUT = "next";

    private LanguageModelGraph() {}

    /** The recurrent part of a language model: reads {@code input} in the graph, returns its output's name. */
    @FunctionalInterface
    interface Body {
        String add(ZooGraph g, String input);
    }

    static ComputationGraph build(ModelCard card, int vocabSize, Body body) {
        ZooGraph g = ZooGraph.start(card, java.util.Map.of(INPUT, 1));
        // NCW must be explicit, or RnnOutputLayer sees mismatched sequence lengths (docs/dl4j-notes.md#ncw).
        String embedded = g.layer("embed", FastEmbedding.create(vocabSize, card.getInt("embedding"), RNNFormat.NCW), INPUT);
        String features = body.add(g, embedded);
        g.layer(OUTPUT, outputLayer(card.getString("output"), g.width(features), vocabSize, card.getDouble("dropout")), features);
        // The trainer fits a whole epoch's batchified stream at once; DL4J cuts it into segments of
        // bptt steps, carrying the hidden state forward and stopping gradients at each boundary.
        int bptt = card.getInt("bptt");
        g.dl4j().backpropType(BackpropType.TruncatedBPTT).tBPTTForwardLength(bptt).tBPTTBackwardLength(bptt);
        return g.build(OUTPUT);
    }

    /**
     * The plain stack of {@code layers} recurrent layers of width {@code hidden}, named rnn0, rnn1, …
     * (the names fix the parameter order, so the LM graphs build exactly as they always have)
     *
     * @param recurrent (nIn, nOut) → the recurrent layer for one level of the stack
     */
    static Body plainStack(ModelCard card, BiFunction<Integer, Integer, Layer> recurrent) {
        return plainStack(card, "rnn", recurrent);
    }

    /** The same stack with its layers named {@code prefix}0, {@code prefix}1, … */
    static Body plainStack(ModelCard card, String prefix, BiFunction<Integer, Integer, Layer> recurrent) {
        return plainStack(card, prefix, recurrent, recurrent);
    }

    /** The same stack, its bottom layer made by {@code first} (a decoder's layer that starts from the encoder's state). */
    static Body plainStack(ModelCard card, String prefix, BiFunction<Integer, Integer, Layer> first, BiFunction<Integer, Integer, Layer> recurrent) {
        int hidden = card.getInt("hidden"), layers = card.getInt("layers");
        double dropout = card.getDouble("dropout");
        return (g, input) -> {
            String prev = input;
            for (int i = 0; i < layers; i++) prev = recurrentLayer(g, prefix + i, i == 0 ? first : recurrent, hidden, dropout, prev);
            return prev;
        };
    }

    /** The card's {@code depth} of a deep stack (residual, highway, dense): 1 to 8 recurrent layers. */
    /**
     * One recurrent layer of width {@code hidden} reading {@code input}, with dropout only on its
     * input, the non-recurrent connection (Zaremba et al. 2014, sec. 3). Returns its name.
     */
    static String recurrentLayer(ZooGraph g, String name, BiFunction<Integer, Integer, Layer> cell, int hidden, double dropout, String input) {
        return g.layer(name, withInputDropout(cell.apply(g.width(input), hidden), dropout), input);
    }

    /**
     * {@code x} itself when it is {@code width} wide, else a learned projection W·x to that width at
     * every step (He et al. 2016, eq. 2: a projection only where the widths differ). Returns its name.
     */
    static String matchWidth(ZooGraph g, String name, String x, int width) {
        return g.width(x) == width ? x : g.layer(name, timeDistributedDense(g.width(x), width, Activation.IDENTITY, 0), width, x);
    }

    static int depth(ModelCard card) {
        int depth = card.getInt("depth");
        if (depth < 1 || depth > 8) throw new ZooException("bad value for depth: " + depth + " (expected 1 to 8)");
        return depth;
    }

    /** A recurrent layer with the card's dropout on its input: non-recurrent connections only (Zaremba et al. 2014, sec. 3). */
    static Layer withInputDropout(Layer rnn, double dropout) {
        if (dropout > 0) rnn.setIDropout(new Dropout(1.0 - dropout));   // DL4J's Dropout takes the probability of keeping
        return rnn;
    }

    /**
     * The same dense layer W·x_t + b applied at every time step of a [batch, features, time] input
     * (DL4J's TimeDistributed reshapes to [batch·time, features] and back): the learned projection of
     * a skip connection between different widths.
     */
    static Layer timeDistributedDense(int nIn, int nOut, Activation activation, double biasInit) {
        return new TimeDistributed(new DenseLayer.Builder().nIn(nIn).nOut(nOut).activation(activation).biasInit(biasInit).build(),
                RNNFormat.NCW);
    }

    /**
     * {@code fused}: our softmax + sparse cross-entropy in a few large ops (same numbers, faster at 10k
     * words: docs/performance.md#output-layer-fused-softmax); {@code dl4j}: DL4J's RnnOutputLayer, kept for comparison.
     */
    static Layer outputLayer(String kind, int nIn, int vocabSize, double dropout) {
        return switch (kind) {
            case "fused" -> FusedSoftmaxOutput.create(nIn, vocabSize, dropout);
            case "dl4j" -> {
                RnnOutputLayer.Builder out = new RnnOutputLayer.Builder(new LossSparseMCXENT())
                        .nIn(nIn).nOut(vocabSize).activation(Activation.SOFTMAX).dataFormat(RNNFormat.NCW);
                if (dropout > 0) out.dropOut(1.0 - dropout);
                yield out.build();
            }
            default -> throw new ZooException("bad value for output: '" + kind + "' (expected fused or dl4j)");
        };
    }
}
