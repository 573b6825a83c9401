package org.rnnzoo.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.rnnzoo.data.TaggedSequenceIterator;
import org.rnnzoo.data.Vocabulary;
import org.rnnzoo.datasets.TaggedSentences;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One tag per token (part-of-speech tagging): padded, masked batches of whole sentences; token
 * accuracy picks the best checkpoint, macro-F1 over the tags and the accuracy on words the training
 * sentences never had (the hard cases; read as {@code <unk>}, as are words rarer than the card's
 * {@code min_count}) are reported beside it, and so is the
 * {@link MostFrequentTagBaseline} on the same tokens ({@code baseline_accuracy},
 * {@code baseline_unknown_accuracy}). The graph reads
 * ids at input {@value #INPUT} and gives tag probabilities {@code [batch, tags, time]} at output {@value #OUTPUT}.
 */
public final class SequenceTaggingTask extends LabellingTask<TaggedSequenceIterator.Example> {
    public static final String KIND = "sequence-tagging";
    public static final String OUTPUT = "tags";
    private final TaggedSentences data;
    /** Per split, aligned with its encoded examples: the baseline's tags, and which words training never saw. */
    private final Map<String, List<int[]>> baselineTags = new HashMap<>();
    private final Map<String, List<boolean[]>> unseen = new HashMap<>();

    public SequenceTaggingTask(TaggedSentences data, Vocabulary vocab, int batch, int evalBatch, long seed) {
        super(data.name(), vocab, data.tags(), OUTPUT, batch, evalBatch, seed);
        this.data = data;
        MostFrequentTagBaseline baseline = MostFrequentTagBaseline.fit(data.train(), data.tags().size());
        for (String split : List.of("train", "valid", "test")) {
            List<TaggedSequenceIterator.Example> encoded = new ArrayList<>();
            List<int[]> guesses = new ArrayList<>();
            List<boolean[]> novel = new ArrayList<>();
            for (TaggedSentences.Example e : data.split(split)) {
                if (e.tokens().isEmpty()) continue;
                encoded.add(new TaggedSequenceIterator.Example(vocab.encode(e.tokens()), e.tags()));
                int[] g = new int[e.tags().length];
                boolean[] u = new boolean[g.length];
                for (int t = 0; t < g.length; t++) {
                    g[t] = baseline.predict(e.tokens().get(t));
                    u[t] = !baseline.seen(e.tokens().get(t));
                }
                guesses.add(g);
                novel.add(u);
            }
            put(split, encoded);
            baselineTags.put(split, guesses);
            unseen.put(split, novel);
        }
    }

    @Override
    public String kind() { return KIND; }

    @Override
    public MultiDataSetIterator trainBatches(int epoch) { return new TaggedSequenceIterator(splits.get("train"), batch, true, seed + epoch); }

    @Override
    protected Scored score(ComputationGraph net, String split) {
        ClassificationMetrics all = new ClassificationMetrics(data.tags().size()), unknown = new ClassificationMetrics(data.tags().size());
        long baselineRight = 0, baselineUnknownRight = 0;
        List<int[]> guesses = baselineTags.get(split);
        List<boolean[]> novel = unseen.get(split);
        int example = 0;   // the iterator keeps the split's order when it does not shuffle
        net.clear();   // fit() leaves labels and masks set (docs/dl4j-notes.md)
        TaggedSequenceIterator it = new TaggedSequenceIterator(split(split), evalBatch, false, 0);
        while (it.hasNext()) {
            MultiDataSet ds = it.next();
            INDArray probs = net.output(false, ds.getFeatures(), ds.getFeaturesMaskArrays())[0];   // [b, tags, T]
            INDArray tags = ds.getLabels(0), mask = ds.getLabelsMaskArray(0);
            INDArray predicted = probs.argMax(1);                                                  // [b, T]
            for (int i = 0; i < probs.size(0); i++, example++)
                for (int t = 0; t < probs.size(2); t++) {
                    if (mask.getDouble(i, t) == 0) continue;
                    int truth = tags.getInt(i, 0, t), guess = predicted.getInt(i, t);
                    double p = probs.getDouble(i, truth, t);
                    all.add(truth, guess, p);
                    boolean baselineHit = guesses.get(example)[t] == truth;
                    if (baselineHit) baselineRight++;
                    if (novel.get(example)[t]) {
                        unknown.add(truth, guess, p);
                        if (baselineHit) baselineUnknownRight++;
                    }
                }
        }
        net.clear();
        Map<String, Double> m = all.metrics(unit());
        m.put("unknown_accuracy", unknown.accuracy());
        m.put("unknown_tokens", (double) unknown.count());
        m.put("baseline_accuracy", (double) baselineRight / all.count());
        m.put("baseline_unknown_accuracy", unknown.count() == 0 ? Double.NaN : (double) baselineUnknownRight / unknown.count());
        return new Scored(all, m);
    }

    @Override
    public Map<String, Object> provenance() {
        Map<String, Object> p = super.provenance();
        p.put("tags", data.tags());
        return p;
    }

    @Override
    public String describeData() { return String.format("%s, %d tags, vocabulary %,d", counts(), data.tags().size(), vocab.size()); }

    @Override
    public String describe(Map<String, Double> m) {
        return String.format("token accuracy %.4f (most-frequent-tag baseline %.4f), macro-F1 %.4f, unknown-word accuracy %.4f "
                        + "(baseline %.4f) over %,d tokens (%,d unknown)", m.get("accuracy"), m.get("baseline_accuracy"), m.get("macro_f1"),
                m.get("unknown_accuracy"), m.get("baseline_unknown_accuracy"), m.get("tokens").longValue(), m.get("unknown_tokens").longValue());
    }
}
