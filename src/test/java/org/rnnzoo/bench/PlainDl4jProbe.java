package org.rnnzoo.bench;

import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.rnnzoo.Zoo;
import org.rnnzoo.datasets.TokenCorpus;
import org.rnnzoo.data.Vocabulary;
import org.rnnzoo.datasets.DatasetStore;
import org.rnnzoo.models.ModelCard;

import java.util.Arrays;

/**
 * The plain-DL4J probe of issue 5, as the issue (and dl4j-notes.md) describe it: Embedding 10k×256 →
 * DL4J's LSTM 256 → RnnOutputLayer softmax + MCXENT with one-hot labels [32, 10k, 35], Adam 1e-3,
 * on PTB segments of 32 × 35 tokens. The one-hot label arrays are built before the timed steps, so
 * only {@code fit} is timed (kinder to DL4J than its own iterator would be). Not a test: run with
 * <pre>
 * ZOO_DATA_MIRROR=../shared/datasets OMP_NUM_THREADS=N java -cp target/classes:target/test-classes:$(cat target/classpath.txt) \
 *     org.rnnzoo.bench.PlainDl4jProbe [steps]
 * </pre>
 * and compare with {@code zoo bench lstm-lm} at the probe shape (docs/performance.md).
 */
public final class PlainDl4jProbe {
    private static final int EMBEDDING = 256, HIDDEN = 256, BATCH = 32, STEPS = 35;

    public static void main(String[] args) {
        int timed = args.length > 0 ? Integer.parseInt(args[0]) : 15, warmup = 3;
        ModelCard card = Zoo.card("lstm-lm").with("dataset", "ptb");
        TokenCorpus corpus = Zoo.corpus(card, new DatasetStore()).corpus();
        Vocabulary vocab = Vocabulary.build(corpus.train(), card.getInt("min_count"), card.getInt("max_size"));
        int v = vocab.size();
        int[] ids = vocab.encode(corpus.train());
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT)
                .updater(new Adam(1e-3)).graphBuilder().addInputs("in")
                .addLayer("embed", new EmbeddingSequenceLayer.Builder().nIn(v).nOut(EMBEDDING).outputDataFormat(RNNFormat.NCW).build(), "in")
                .addLayer("lstm", new LSTM.Builder().nIn(EMBEDDING).nOut(HIDDEN).activation(Activation.TANH).dataFormat(RNNFormat.NCW).build(), "embed")
                .addLayer("out", new RnnOutputLayer.Builder(new LossMCXENT()).nIn(HIDDEN).nOut(v).activation(Activation.SOFTMAX).dataFormat(RNNFormat.NCW).build(), "lstm")
                .setOutputs("out").backpropType(BackpropType.Standard).build());
        net.init();

        // consecutive 32×35 segments of the batchified training stream, labels one-hot
        int rowLength = ids.length / BATCH, segments = 4;
        MultiDataSet[] batches = new MultiDataSet[segments];
        for (int s = 0; s < segments; s++) {
            INDArray x = Nd4j.create(DataType.FLOAT, BATCH, STEPS), y = Nd4j.zeros(DataType.FLOAT, BATCH, v, STEPS);
            for (int b = 0; b < BATCH; b++)
                for (int t = 0; t < STEPS; t++) {
                    int at = b * rowLength + s * STEPS + t;
                    x.putScalar(b, t, ids[at]);
                    y.putScalar(new long[]{b, ids[at + 1], t}, 1f);
                }
            batches[s] = new MultiDataSet(new INDArray[]{x}, new INDArray[]{y});
        }
        for (int i = 0; i < warmup; i++) net.fit(batches[i % segments]);
        double[] ms = new double[3];
        for (int r = 0; r < ms.length; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < timed; i++) net.fit(batches[i % segments]);
            ms[r] = (System.nanoTime() - t0) / 1e6 / timed;
        }
        Arrays.sort(ms);
        System.out.printf("plain DL4J probe (one-hot labels, OMP_NUM_THREADS=%s): %,.0f tokens/s, %.1f ms/step (median of %d × %d steps; min %.1f, max %.1f)%n",
                System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)"), BATCH * STEPS / (ms[1] / 1e3), ms[1], ms.length, timed, ms[0], ms[2]);
    }
}
