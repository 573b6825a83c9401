package org.rnnzoo.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.rnnzoo.common.EditDistance;
import org.rnnzoo.data.Seq2SeqPairIterator;
import org.rnnzoo.data.Vocabularies;
import org.rnnzoo.data.Vocabulary;
import org.rnnzoo.datasets.SentencePairs;
import org.rnnzoo.decode.BeamSearchDecoder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Seq2seq as a conditional language model: the decoder predicts the target given the source, with
 * the true previous target token as its input (teacher forcing); the loss and the perplexity are
 * over the decoder's tokens only, padding excluded. At validation the model also decodes (greedy)
 * and is scored by its word error rate — the share of sources whose output matches none of their
 * references (CMUdict lists some words twice) — which picks the best checkpoint; the token error
 * rate (edit distance to the closest reference over reference length) and corpus BLEU-4 ({@link Bleu},
 * all of a source's references) beside it. A card with {@code select: bleu} picks by BLEU instead.
 */
public final class Seq2SeqTask extends ExampleTask<Seq2SeqPairIterator.Pair> {
    public static final String KIND = "seq2seq";
    public static final String SOURCE = "source", TARGET_IN = "target_in", OUTPUT = "target";
    private final Vocabulary source, target;
    private final int maxLength;
    private final String select;
    private final int beam;
    private final double alpha;
    /** Each split's targets as the dataset writes them, in the order of its encoded pairs: what outputs are scored against. */
    private final Map<String, List<List<String>>> targets = new LinkedHashMap<>();

    /**
     * @param select the metric that picks the best checkpoint: {@code wer} or {@code bleu}
     * @param beam   the test split is also decoded with a beam this wide when it is above 1 ({@code beam_*} metrics)
     * @param alpha  that beam's length penalty exponent
     */
    public Seq2SeqTask(SentencePairs data, Vocabulary source, Vocabulary target, int batch, int evalBatch, int maxLength, long seed,
                       String select, int beam, double alpha) {
        super(data.name(), "pairs", batch, evalBatch, seed);
        if (beam < 1) throw new org.rnnzoo.common.ZooException("bad value for beam: " + beam + " (must be >= 1)");
        if (!(alpha >= 0) || Double.isInfinite(alpha)) throw new org.rnnzoo.common.ZooException("bad value for alpha: " + alpha + " (must be >= 0)");
        this.beam = beam;
        this.alpha = alpha;
        if (!select.equals("wer") && !select.equals("bleu"))
            throw new org.rnnzoo.common.ZooException("bad value for select: '" + select + "' (expected wer or bleu)");
        this.select = select;
        this.source = source;
        this.target = target;
        this.maxLength = maxLength;
        for (String split : List.of("train", "valid", "test")) {
            List<Seq2SeqPairIterator.Pair> encoded = new ArrayList<>();
            List<List<String>> written = new ArrayList<>();
            for (SentencePairs.Pair p : data.split(split))
                if (!p.source().isEmpty()) {
                    encoded.add(new Seq2SeqPairIterator.Pair(source.encode(p.source()), target.encode(p.target())));
                    written.add(p.target());
                }
            put(split, encoded);
            targets.put(split, written);
        }
    }

    @Override
    public String kind() { return KIND; }

    @Override
    public MultiDataSetIterator trainBatches(int epoch) { return new Seq2SeqPairIterator(splits.get("train"), batch, true, seed + epoch); }

    @Override
    public Map<String, Double> evaluate(ComputationGraph net, String split) {
        List<Seq2SeqPairIterator.Pair> pairs = split(split);
        // decoder-token perplexity, teacher forced: the conditional LM's own figure
        PerplexityEvaluator ppl = new PerplexityEvaluator();
        net.clear();
        Seq2SeqPairIterator it = new Seq2SeqPairIterator(pairs, evalBatch, false, 0);
        while (it.hasNext()) {
            ppl.addBatch(net, it.next());   // only the targets' log-probabilities with our fused output
        }
        Map<String, Double> m = new LinkedHashMap<>(ppl.metrics());
        m.putAll(errorRates(net, split, 1));
        // the beam only for the final figures: validation picks checkpoints by greedy decoding, which is cheaper
        if (beam > 1 && split.equals("test")) errorRates(net, split, beam).forEach((k, x) -> { if (!k.equals("sources")) m.put("beam_" + k, x); });
        return m;
    }

    private Map<String, Double> errorRates(ComputationGraph net, String split, int width) { return errorRates(List.of(net), split, width); }

    /**
     * WER, TER and BLEU of greedy (width 1) or beam outputs of one net or an ensemble of nets over this task's
     * vocabularies (each step's log-probabilities their mean), each distinct source decoded once against all its references.
     */
    public Map<String, Double> errorRates(List<ComputationGraph> nets, String split, int width) {
        List<Seq2SeqPairIterator.Pair> pairs = split(split);
        Map<String, List<List<String>>> references = new LinkedHashMap<>();
        Map<String, int[]> sources = new LinkedHashMap<>();
        for (int i = 0; i < pairs.size(); i++) {
            String key = Arrays.toString(pairs.get(i).source());
            sources.putIfAbsent(key, pairs.get(i).source());
            references.computeIfAbsent(key, k -> new ArrayList<>()).add(targets.get(split).get(i));
        }
        List<String> keys = new ArrayList<>(sources.keySet());
        List<int[]> outputs = decode(nets, keys.stream().map(sources::get).toList(), width);
        Map<String, Double> m = scores(outputs.stream().map(target::decode).toList(), keys.stream().map(references::get).toList());
        m.put("sources", (double) keys.size());
        return m;
    }

    /** A split's encoded pairs (pairs with an empty source left out), in the dataset's order. */
    public List<Seq2SeqPairIterator.Pair> pairs(String split) { return java.util.Collections.unmodifiableList(split(split)); }

    /** The distinct sources of a split, in order of first appearance (a word with two pronunciations once). */
    public List<int[]> distinctSources(String split) {
        Map<String, int[]> sources = new LinkedHashMap<>();
        for (Seq2SeqPairIterator.Pair p : split(split)) sources.putIfAbsent(Arrays.toString(p.source()), p.source());
        return List.copyOf(sources.values());
    }

    /**
     * The outputs of sources as evaluation decodes them: greedy (width 1) or a beam with the task's
     * length penalty, {@code max(eval_batch, width)} decoder rows at a time.
     */
    public List<int[]> decode(ComputationGraph net, List<int[]> sources, int width) { return decode(List.of(net), sources, width); }

    /** As {@link #decode(ComputationGraph, List, int)}, with one net or an ensemble. */
    public List<int[]> decode(List<ComputationGraph> nets, List<int[]> sources, int width) {
        // a max length always applies; CMUdict's test words are not cut to max_length, so it grows with the longest source
        int limit = Math.max(maxLength, sources.stream().mapToInt(s -> s.length).max().orElse(0)) + 2;
        return BeamSearchDecoder.search(nets, sources, width, alpha, limit, Math.max(evalBatch, width)).stream()
                .map(BeamSearchDecoder.Hypothesis::tokens).toList();
    }

    /**
     * WER, TER ({@link #errorRates(List, List)}) and corpus BLEU of one output per source against all of its references, as
     * the dataset writes them: an output {@code <unk>} matches no word. (References read back through the target vocabulary
     * would have {@code <unk>} for every word it lacks, and a model answering {@code <unk>} would score on each.)
     */
    public static Map<String, Double> scores(List<List<String>> outputs, List<List<List<String>>> references) {
        Map<String, Integer> ids = new HashMap<>();
        java.util.function.Function<List<String>, int[]> encode = tokens ->
                tokens.stream().mapToInt(t -> ids.computeIfAbsent(t, k -> ids.size())).toArray();
        List<int[]> out = outputs.stream().map(encode).toList();
        List<List<int[]>> refs = references.stream().map(r -> r.stream().map(encode).toList()).toList();
        Map<String, Double> m = errorRates(out, refs);
        m.put("bleu", Bleu.corpus(outputs.stream().map(o -> String.join(" ", o)).toList(),
                references.stream().map(r -> r.stream().map(t -> String.join(" ", t)).toList()).toList()));
        return m;
    }

    /**
     * Word and token (for G2P: phoneme) error rates of one output per source against all of its
     * references: a source is right if its output equals any reference, and counts once however many
     * it has (WER = wrong sources / sources); TER = Σ edit distance to the closest reference / Σ that
     * reference's length (the shorter one where two are equally close).
     */
    public static Map<String, Double> errorRates(List<int[]> outputs, List<List<int[]>> references) {
        long wrong = 0, edits = 0, refTokens = 0;
        for (int i = 0; i < outputs.size(); i++) {
            int best = Integer.MAX_VALUE, bestLength = 0;
            for (int[] ref : references.get(i)) {
                int d = EditDistance.between(outputs.get(i), ref);
                if (d < best || (d == best && ref.length < bestLength)) { best = d; bestLength = ref.length; }
            }
            if (best > 0) wrong++;
            edits += best;
            refTokens += bestLength;
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("wer", (double) wrong / Math.max(1, outputs.size()));
        m.put("ter", (double) edits / Math.max(1, refTokens));
        return m;
    }

    @Override
    public String selectionMetric() { return select; }

    @Override
    public boolean lowerIsBetter() { return select.equals("wer"); }

    @Override
    public String unit() { return "target tokens"; }

    @Override
    public Vocabularies vocabularies() {
        return new Vocabularies().tokens(Vocabularies.SOURCE, source, "input:" + SOURCE)
                .tokens(Vocabularies.TARGET, target, "input:" + TARGET_IN, "output:" + OUTPUT);
    }

    @Override
    public Map<String, Object> provenance() {
        Map<String, Object> p = super.provenance();
        p.put("max_length", maxLength);
        p.put("test_beam", beam);
        p.put("test_beam_alpha", alpha);
        return p;
    }

    @Override
    public String describeData() { return String.format("%s, vocabularies %,d source / %,d target", counts(), source.size(), target.size()); }

    @Override
    public String describe(Map<String, Double> m) {
        String beamed = !m.containsKey("beam_wer") ? "" : String.format("; beam %d: word error rate %.4f, token error rate %.4f, BLEU %.2f",
                beam, m.get("beam_wer"), m.get("beam_ter"), m.get("beam_bleu"));
        return String.format("word error rate %.4f, token error rate %.4f, BLEU %.2f over %,d sources; decoder perplexity %.3f over %,d target tokens",
                m.get("wer"), m.get("ter"), m.get("bleu"), m.get("sources").longValue(), m.get("ppl"), m.get("tokens").longValue()) + beamed;
    }
}
