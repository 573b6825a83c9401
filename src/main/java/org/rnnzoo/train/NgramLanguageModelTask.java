package org.rnnzoo.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.rnnzoo.data.NgramWindowIterator;
import org.rnnzoo.datasets.TokenCorpus;
import org.rnnzoo.data.Vocabulary;
import org.rnnzoo.layers.FusedSoftmaxOutputLayer;

import java.util.Map;

/**
 * Next-word prediction from a fixed window of n−1 words (feed-forward n-gram models). Every token
 * of a split is a target, as in the recurrent task, so the perplexities are comparable.
 */
public final class NgramLanguageModelTask extends TokenCorpusTask {
    public static final String KIND = "ngram-language-model";
    private final int[] train, valid, test;
    private final int context, batch, evalBatch;
    private final long seed;

    public NgramLanguageModelTask(TokenCorpus corpus, Vocabulary vocab, int context, int batch, int evalBatch, long seed) {
        super(KIND, corpus, vocab);
        this.train = vocab.encode(corpus.train());
        this.valid = vocab.encode(corpus.valid());
        this.test = vocab.encode(corpus.test());
        this.context = context;
        this.batch = batch;
        this.evalBatch = evalBatch;
        this.seed = seed;
    }

    public int[] ids(String split) { return LanguageModelTask.pick(split, train, valid, test); }

    /** Probabilities of every target of a split, in stream order. */
    public double[] targetProbabilities(ComputationGraph net, String split) {
        double[] p = targetNll(net, split);
        for (int k = 0; k < p.length; k++) p[k] = Math.exp(-p[k]);
        return p;
    }

    /**
     * Negative log-probability of every target of a split, in stream order: from the fused output
     * layer's targets alone where the graph has it (docs/performance.md, "Scoring: target
     * log-probabilities only"), else from the full probabilities.
     */
    private double[] targetNll(ComputationGraph net, String split) {
        int[] ids = ids(split);
        double[] out = new double[ids.length];
        NgramWindowIterator it = new NgramWindowIterator(ids, context, evalBatch, false, 0);
        FusedSoftmaxOutputLayer fused = PerplexityEvaluator.fusedOutput(net);
        net.clear();
        int k = 0;
        try {
            while (it.hasNext()) {
                MultiDataSet ds = it.next();
                if (fused != null) {
                    fused.scoreTargetsOnNextForward(PerplexityEvaluator.targets(ds.getLabels(0), null));
                    for (float nll : net.output(ds.getFeatures(0))[0].dup('c').data().asFloat()) out[k++] = nll;
                    continue;
                }
                INDArray p = net.output(ds.getFeatures(0))[0];
                float[] flat = p.dup('c').data().asFloat();
                long v = p.size(1);
                for (int i = 0; i < p.size(0); i++) out[k++] = -Math.log(flat[(int) (i * v + ds.getLabels(0).getInt(i, 0))]);
            }
        } finally {
            if (fused != null) fused.scoreTargetsOnNextForward(null);
        }
        return out;
    }

    @Override
    public MultiDataSetIterator trainBatches(int epoch) { return new NgramWindowIterator(train, context, batch, true, seed + epoch); }

    @Override
    public long stepsPerEpoch() { return (train.length + batch - 1) / batch; }

    @Override
    public long targets(MultiDataSet batch) { return batch.getLabels(0).size(0); }

    @Override
    public Map<String, Double> evaluate(ComputationGraph net, String split) {
        PerplexityEvaluator e = new PerplexityEvaluator();
        for (double nll : targetNll(net, split)) e.addNll(nll);
        return e.metrics();
    }
}
