package org.rnnzoo.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.rnnzoo.data.LabelledSequenceIterator;
import org.rnnzoo.data.Vocabulary;
import org.rnnzoo.datasets.LabelledSentences;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One label per sentence (sentiment): padded, masked batches of whole sentences, shuffled each
 * epoch; accuracy picks the best checkpoint, macro-F1 and the mean loss are reported beside it.
 * The graph reads ids at input {@value #INPUT} and gives class probabilities at output {@value #OUTPUT}.
 */
public final class SentenceClassificationTask extends LabellingTask<LabelledSequenceIterator.Example> {
    public static final String KIND = "sentence-classification";
    public static final String OUTPUT = "label";
    private final LabelledSentences data;

    public SentenceClassificationTask(LabelledSentences data, Vocabulary vocab, int batch, int evalBatch, long seed) {
        super(data.name(), vocab, data.classes(), OUTPUT, batch, evalBatch, seed);
        this.data = data;
        for (String split : List.of("train", "valid", "test")) {
            List<LabelledSequenceIterator.Example> encoded = new ArrayList<>();
            for (LabelledSentences.Example e : data.split(split))
                if (!e.tokens().isEmpty()) encoded.add(new LabelledSequenceIterator.Example(e.label(), vocab.encode(e.tokens())));
            put(split, encoded);
        }
    }

    @Override
    public String kind() { return KIND; }

    @Override
    public MultiDataSetIterator trainBatches(int epoch) {
        return new LabelledSequenceIterator(splits.get("train"), batch, true, seed + epoch);
    }

    @Override
    protected Scored score(ComputationGraph net, String split) {
        List<LabelledSequenceIterator.Example> examples = split(split);
        ClassificationMetrics m = new ClassificationMetrics(data.numClasses());
        net.clear();   // fit() leaves labels and masks set (docs/dl4j-notes.md)
        LabelledSequenceIterator it = new LabelledSequenceIterator(examples, evalBatch, false, 0);
        while (it.hasNext()) {
            MultiDataSet ds = it.next();
            INDArray probs = net.output(false, ds.getFeatures(), ds.getFeaturesMaskArrays())[0];
            INDArray labels = ds.getLabels(0);
            for (int i = 0; i < probs.size(0); i++) {
                int truth = labels.getInt(i, 0);
                m.add(truth, probs.getRow(i).argMax().getInt(0), probs.getDouble(i, truth));
            }
        }
        net.clear();
        return new Scored(m, m.metrics(unit()));
    }

    @Override
    public String unit() { return "sentences"; }

    @Override
    public Map<String, Object> provenance() {
        Map<String, Object> p = super.provenance();
        p.put("classes", data.classes());
        return p;
    }

    @Override
    public String describeData() { return String.format("%s, %d classes, vocabulary %,d", counts(), data.numClasses(), vocab.size()); }

    @Override
    public String describe(Map<String, Double> m) {
        return String.format("accuracy %.4f, macro-F1 %.4f, loss %.4f over %,d sentences", m.get("accuracy"), m.get("macro_f1"),
                m.get("loss"), m.get("sentences").longValue());
    }
}
