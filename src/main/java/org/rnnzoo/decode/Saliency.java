package org.rnnzoo.decode;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.data.Vocabulary;
import org.rnnzoo.layers.GradientProbe;

import java.util.ArrayList;
import java.util.List;

/**
 * Which words pushed a sentence classifier to its label: gradient × input (Shrikumar et al. 2016, "Not Just a Black
 * Box"; on word embeddings as in Li et al. 2016, "Visualizing and Understanding Neural Models in NLP"). For word t
 * with embedding e_t, the score is e_t · ∂ log p(ĉ | sentence) / ∂e_t, ĉ the predicted class: the first-order change
 * of that log-probability if the word's embedding were scaled away to zero, so positive means the word spoke for the
 * label and negative against it. The gradient is read by a {@link GradientProbe} after the {@value #EMBEDDING} layer of a
 * copy of the network (same parameters, dropout off).
 */
public final class Saliency {
    /** The layer whose output is the word embeddings, in every classifier of the zoo. */
    public static final String EMBEDDING = "embed";
    private static final String PROBE = EMBEDDING + "/probe";

    /** A sentence's prediction and one score per token. */
    public record Explained(Predictor.Prediction prediction, double[] scores) {}

    private final ComputationGraph probed;
    private final Predictor predictor;
    private final Vocabulary vocab;
    private final DataType type;

    /** @param labels the classifier's class names, by id */
    public Saliency(ComputationGraph net, Vocabulary vocab, List<String> labels) {
        var inputs = net.getConfiguration().getVertexInputs();
        if (!net.getConfiguration().getVertices().containsKey(EMBEDDING))
            throw new ZooException("saliency reads the gradient at the word embedding ('" + EMBEDDING + "'); this network has none");
        List<String> readers = new ArrayList<>();
        inputs.forEach((vertex, in) -> { if (in.contains(EMBEDDING)) readers.add(vertex); });
        this.probed = GradientProbe.copyWith(net, List.of(new GradientProbe.Placement(PROBE, EMBEDDING, readers)));
        this.predictor = new Predictor(net, vocab, labels, false);
        this.vocab = vocab;
        this.type = net.getConfiguration().getDataType();
    }

    /** The sentence tokenised as {@link Predictor#tokenize} does it. */
    public List<String> tokenize(String sentence) { return predictor.tokenize(sentence); }

    /** The prediction for a tokenised sentence (at least one token) and each token's gradient × input. */
    public Explained explain(List<String> tokens) {
        Predictor.Prediction prediction = predictor.predictTokens(List.of(tokens)).get(0);
        int predicted = prediction.labels().indexOf(prediction.best(0));
        int[] ids = vocab.encode(tokens);
        INDArray x = Nd4j.create(DataType.FLOAT, 1, ids.length), mask = Nd4j.ones(DataType.FLOAT, 1, ids.length);
        for (int t = 0; t < ids.length; t++) x.putScalar(0, t, ids[t]);
        probed.setInputs(x.castTo(type));
        probed.setLabels(Nd4j.create(new float[]{predicted}, new long[]{1, 1}, DataType.FLOAT).castTo(type));
        probed.setLayerMaskArrays(new INDArray[]{mask.castTo(type)}, null);
        probed.computeGradientAndScore();   // loss = -log p(predicted class), one example: its own gradient
        GradientProbe.Runtime probe = (GradientProbe.Runtime) probed.getVertex(PROBE);
        INDArray perWord = probe.input().mul(probe.recorded()).sum(1).negi();   // [1, time]; negated: log p, not the loss
        double[] scores = new double[ids.length];
        for (int t = 0; t < ids.length; t++) scores[t] = perWord.getDouble(0, t);
        probed.clear();
        return new Explained(prediction, scores);
    }
}
