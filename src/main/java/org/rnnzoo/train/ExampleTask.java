package org.rnnzoo.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the tasks over independent examples (sentences, sentence pairs) share, as against a
 * language model's one contiguous stream: three encoded splits, shuffled batches of whole
 * examples, and the counts a result records.
 *
 * @param <E> one encoded example
 */
abstract class ExampleTask<E> implements Task {
    protected final String dataset;
    protected final Map<String, List<E>> splits = new LinkedHashMap<>();
    protected final int batch, evalBatch;
    protected final long seed;
    private final String noun;

    /** @param noun what an example is, plural ("sentences", "pairs") */
    ExampleTask(String dataset, String noun, int batch, int evalBatch, long seed) {
        this.dataset = dataset;
        this.noun = noun;
        this.batch = batch;
        this.evalBatch = evalBatch;
        this.seed = seed;
    }

    /** Stores a split; an empty one is refused, since every split is trained on or scored. */
    protected void put(String split, List<E> examples) {
        if (examples.isEmpty())
            throw new org.rnnzoo.common.ZooException(dataset + " has no " + split + " " + noun + " (at least one per split is needed)");
        splits.put(split, examples);
    }

    protected List<E> split(String split) {
        List<E> examples = splits.get(split);
        if (examples == null) throw new IllegalArgumentException("unknown split '" + split + "' (expected train, valid or test)");
        return examples;
    }

    @Override
    public long stepsPerEpoch() { return (splits.get("train").size() + batch - 1) / batch; }

    @Override
    public Map<String, Double> references() { return new LinkedHashMap<>(); }

    @Override
    public Map<String, Object> provenance() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("dataset", dataset);
        splits.forEach((split, examples) -> p.put(split + "_" + noun, examples.size()));
        return p;
    }

    /** "4,000 / 400 / 400 sentences" */
    protected String counts() {
        return String.format("%,d / %,d / %,d %s", splits.get("train").size(), splits.get("valid").size(), splits.get("test").size(), noun);
    }
}
