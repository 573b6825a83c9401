package org.rnnzoo.models;

import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.rnn.LastTimeStepVertex;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.impl.LossSparseMCXENT;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.layers.FastEmbedding;

import java.util.Map;

/**
 * The bidirectional twin of {@link RnnClassifier}: token ids → embedding → {@link BidirectionalEncoder}
 * → one vector for the sentence → softmax over the classes. Same inputs, outputs and labels.
 *
 * <p>{@code pooling: max} (the default) takes, feature by feature, the largest of the real
 * positions' combined states, each of which has read the whole sentence both ways: the encoder's
 * per-word states are what a bidirectional model adds. {@code pooling: last} is the two
 * directions' summaries side by side (combined like the states): the forward stack's last real step
 * and the backward stack's last real step in its own reading order, i.e. its state at the first
 * word; each summary has seen the sentence only one way, so it is two one-direction classifiers
 * joined at the end. {@code mean} averages the real positions. Padding is never read (the masks).
 */
public final class BiRnnClassifier {
    public static final String INPUT = RnnClassifier.INPUT;
    public static final String OUTPUT = RnnClassifier.OUTPUT;

    private BiRnnClassifier() {}

    public static ComputationGraph build(ModelCard card, int vocabSize, int classes) {
        ZooGraph g = ZooGraph.start(card, Map.of(INPUT, 1));
        String embedded = g.layer("embed", FastEmbedding.create(vocabSize, card.getInt("embedding"), RNNFormat.NCW), INPUT);
        String pooling = card.getString("pooling");
        String sentence = switch (pooling) {
            case "last" -> {
                BidirectionalEncoder.Directions d = BidirectionalEncoder.directions(g, card, embedded, INPUT);
                // both picked through the input's mask: the backward stack ran over the reversed
                // sentence, so its last real step is the one that read the first word last
                String f = g.vertex("forward_last", new LastTimeStepVertex(INPUT), g.width(d.forward()), d.forward());
                String b = g.vertex("backward_last", new LastTimeStepVertex(INPUT), g.width(d.backward()), d.backward());
                yield BidirectionalEncoder.combine(g, card, "sentence", f, b);
            }
            case "max", "mean" -> {
                String states = BidirectionalEncoder.add(g, card, embedded, INPUT);
                PoolingType type = pooling.equals("max") ? PoolingType.MAX : PoolingType.AVG;   // over the mask's real steps
                yield g.layer("sentence", new GlobalPoolingLayer.Builder(type).build(), g.width(states), states);
            }
            default -> throw new ZooException("bad value for pooling: '" + pooling + "' (expected last, max or mean)");
        };
        OutputLayer.Builder out = new OutputLayer.Builder(new LossSparseMCXENT()).nIn(g.width(sentence)).nOut(classes).activation(Activation.SOFTMAX);
        double dropout = card.getDouble("dropout");
        if (dropout > 0) out.dropOut(1.0 - dropout);   // DL4J takes the probability of keeping
        g.layer(OUTPUT, out.build(), sentence);
        return g.build(OUTPUT);
    }
}
