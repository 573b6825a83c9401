package org.rnnzoo.layers;

import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Small graphs that differ only in the recurrent layer: DL4J's LSTM or FastLstm. */
public final class TestGraphs {
    private TestGraphs() {
    }

    static Layer lstm(boolean fast, int nIn, int nOut) {
        return fast
                ? new FastLstm.Builder().nIn(nIn).nOut(nOut).dataFormat(RNNFormat.NCW).build()
                : new LSTM.Builder().nIn(nIn).nOut(nOut).activation(Activation.TANH).forgetGateBiasInit(1.0)
                        .dataFormat(RNNFormat.NCW).build();
    }

    /** in [B, nIn, T] → lstm1 → lstm2 → softmax RnnOutputLayer (MCXENT, one-hot labels [B, nClasses, T]). */
    static ComputationGraph twoLayer(boolean fast, DataType type, int nIn, int h1, int h2, int nClasses,
                                     int tbpttFwd, int tbpttBack) {
        return twoLayer((i, o) -> lstm(fast, i, o), type, nIn, h1, h2, nClasses, tbpttFwd, tbpttBack);
    }

    /** The same shape with any recurrent layer: {@code rnn.apply(nIn, nOut)}. */
    static ComputationGraph twoLayer(java.util.function.BiFunction<Integer, Integer, Layer> rnn, DataType type, int nIn,
                                     int h1, int h2, int nClasses, int tbpttFwd, int tbpttBack) {
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(12345).dataType(type).updater(new Sgd(0.1)).weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("in")
                .addLayer("lstm1", rnn.apply(nIn, h1), "in")
                .addLayer("lstm2", rnn.apply(h1, h2), "lstm1")
                .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX).nIn(h2).nOut(nClasses).dataFormat(RNNFormat.NCW).build(), "lstm2")
                .setOutputs("out");
        if (tbpttFwd > 0) {
            g.backpropType(BackpropType.TruncatedBPTT).tBPTTForwardLength(tbpttFwd).tBPTTBackwardLength(tbpttBack);
        }
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }

    /** Relative difference with a floor of 1 on the denominator: max |a-b| / max(1, |a|, |b|). */
    public static double maxRelDiff(INDArray a, INDArray b) {
        double[] x = a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] y = b.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        if (x.length != y.length) throw new AssertionError("lengths " + x.length + " vs " + y.length);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            double d = Math.abs(x[i] - y[i]) / Math.max(1.0, Math.max(Math.abs(x[i]), Math.abs(y[i])));
            worst = Math.max(worst, d);
        }
        return worst;
    }
}
