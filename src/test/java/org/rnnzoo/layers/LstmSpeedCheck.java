package org.rnnzoo.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.impl.LossSparseMCXENT;
import org.rnnzoo.kernels.GateFunctions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * DL4J's LSTM vs FastLstm on the PTB-small shape (vocab 10k, 2×200, batch 20, 20 steps, SGD lr 1),
 * measured round-robin in one JVM (the machine is shared and noisy): whole-graph training steps,
 * the two recurrent layers alone (forward + backward on [20, 200, 20]), batch-1 rnnTimeStep through
 * the graph and through the layers alone. Run with OMP_NUM_THREADS=1 (dl4j-notes.md):
 * <pre>
 * OMP_NUM_THREADS=1 java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes:$(cat target/classpath.txt) org.rnnzoo.layers.LstmSpeedCheck [rounds]
 * </pre>
 */
public final class LstmSpeedCheck {
    static final int VOCAB = 10_000, H = 200, BATCH = 20, T = 20;

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Nd4j.getRandom().setSeed(1);
        System.out.println("Vector API gate maths: " + GateFunctions.VECTORISED);
        String[] names = {"DL4J LSTM", "FastLstm"};
        ComputationGraph[] nets = {graph(false), graph(true)};
        nets[1].setParams(nets[0].params().dup()); // same starting point

        Random r = new Random(7);
        INDArray ids = Nd4j.create(DataType.FLOAT, BATCH, T);
        INDArray labels = Nd4j.create(DataType.FLOAT, BATCH, 1, T);
        for (int b = 0; b < BATCH; b++) for (int t = 0; t < T; t++) {
            ids.putScalar(b, t, r.nextInt(VOCAB));
            labels.putScalar(b, 0, t, r.nextInt(VOCAB));
        }
        DataSet ds = new DataSet(ids, labels);

        List<List<Double>> fit = lists(2), layers = lists(2), sample = lists(2), sampleLayers = lists(2);
        INDArray x = Nd4j.randn(DataType.FLOAT, BATCH, H, T), eps = Nd4j.randn(DataType.FLOAT, BATCH, H, T);
        INDArray x1 = Nd4j.randn(DataType.FLOAT, 1, H, 1);
        for (int round = -1; round < rounds; round++) { // round -1: warm-up
            for (int v = 0; v < 2; v++) {
                ComputationGraph net = nets[v];
                // whole graph: 5 training steps
                long t0 = System.nanoTime();
                for (int i = 0; i < 5; i++) net.fit(ds);
                double fitMs = (System.nanoTime() - t0) / 5e6;
                // layers alone: both recurrent layers, forward + backward
                Layer l1 = net.getLayer("lstm1"), l2 = net.getLayer("lstm2");
                t0 = System.nanoTime();
                for (int i = 0; i < 5; i++) {
                    for (Layer l : new Layer[]{l1, l2}) {
                        l.activate(x, true, LayerWorkspaceMgr.noWorkspaces());
                        l.backpropGradient(eps, LayerWorkspaceMgr.noWorkspaces());
                    }
                }
                double layerMs = (System.nanoTime() - t0) / 5e6;
                // batch-1 sampling: 200 rnnTimeStep calls through the graph
                net.rnnClearPreviousState();
                INDArray id = Nd4j.create(DataType.FLOAT, 1, 1);
                t0 = System.nanoTime();
                for (int i = 0; i < 200; i++) {
                    id.putScalar(0, 0, i * 37 % VOCAB);
                    net.rnnTimeStep(id);
                }
                double sampleMs = (System.nanoTime() - t0) / 200e6;
                // ... and through the two recurrent layers alone
                net.rnnClearPreviousState();
                t0 = System.nanoTime();
                for (int i = 0; i < 200; i++) {
                    INDArray h = ((org.deeplearning4j.nn.api.layers.RecurrentLayer) l1).rnnTimeStep(x1, LayerWorkspaceMgr.noWorkspaces());
                    ((org.deeplearning4j.nn.api.layers.RecurrentLayer) l2).rnnTimeStep(h, LayerWorkspaceMgr.noWorkspaces());
                }
                double sampleLayerMs = (System.nanoTime() - t0) / 200e6;
                net.rnnClearPreviousState();
                if (round >= 0) {
                    fit.get(v).add(fitMs);
                    layers.get(v).add(layerMs);
                    sample.get(v).add(sampleMs);
                    sampleLayers.get(v).add(sampleLayerMs);
                }
                System.out.printf("round %2d %-10s fit %7.1f ms/step | 2 layers fwd+bwd %7.2f ms | rnnTimeStep graph %6.3f ms, layers %6.3f ms%n",
                        round, names[v], fitMs, layerMs, sampleMs, sampleLayerMs);
            }
        }
        int tokens = BATCH * T;
        System.out.println();
        System.out.printf("%-34s %14s %14s %8s%n", "median over " + rounds + " rounds", names[0], names[1], "ratio");
        row("training, whole graph (tokens/s)", tokens, fit);
        row("training, 2 LSTM layers alone (tokens/s)", tokens, layers);
        row("rnnTimeStep batch 1, graph (tokens/s)", 1, sample);
        row("rnnTimeStep batch 1, 2 layers (tokens/s)", 1, sampleLayers);
        System.out.printf("%-34s %14.2f %14.2f%n", "  (ms per training step, graph)", median(fit.get(0)), median(fit.get(1)));
        System.out.printf("%-34s %14.2f %14.2f%n", "  (ms per step, 2 layers fwd+bwd)", median(layers.get(0)), median(layers.get(1)));
    }

    private static void row(String what, int tokens, List<List<Double>> ms) {
        double a = tokens * 1000.0 / median(ms.get(0)), b = tokens * 1000.0 / median(ms.get(1));
        System.out.printf("%-42s %10.0f %14.0f %8.2fx%n", what, a, b, b / a);
    }

    private static List<List<Double>> lists(int n) {
        List<List<Double>> l = new ArrayList<>();
        for (int i = 0; i < n; i++) l.add(new ArrayList<>());
        return l;
    }

    private static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    static ComputationGraph graph(boolean fast) {
        NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT)
                .updater(new Sgd(1.0));
        ComputationGraph net = new ComputationGraph(base.graphBuilder()
                .addInputs("in")
                .addLayer("emb", new EmbeddingSequenceLayer.Builder().nIn(VOCAB).nOut(H).outputDataFormat(RNNFormat.NCW).build(), "in")
                .addLayer("lstm1", recurrent(fast), "emb")
                .addLayer("lstm2", recurrent(fast), "lstm1")
                .addLayer("out", new RnnOutputLayer.Builder(new LossSparseMCXENT()).activation(Activation.SOFTMAX)
                        .nIn(H).nOut(VOCAB).dataFormat(RNNFormat.NCW).build(), "lstm2")
                .setOutputs("out")
                .build());
        net.init();
        return net;
    }

    private static org.deeplearning4j.nn.conf.layers.Layer recurrent(boolean fast) {
        return fast ? new FastLstm.Builder().nIn(H).nOut(H).dataFormat(RNNFormat.NCW).build()
                : new LSTM.Builder().nIn(H).nOut(H).activation(Activation.TANH).dataFormat(RNNFormat.NCW).build();
    }
}
