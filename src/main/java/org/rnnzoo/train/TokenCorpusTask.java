package org.rnnzoo.train;

import org.rnnzoo.datasets.TokenCorpus;
import org.rnnzoo.data.Vocabularies;
import org.rnnzoo.data.Vocabulary;
import org.rnnzoo.datasets.DatasetCard;
import org.rnnzoo.datasets.Datasets;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the two language-model tasks (a stream for recurrent models, windows for n-gram models)
 * share: a token corpus, one {@code tokens} vocabulary that is both the input and the softmax,
 * and perplexity as the metric that picks the best checkpoint.
 */
public abstract class TokenCorpusTask implements Task {
    protected final TokenCorpus corpus;
    protected final Vocabulary vocab;
    private final String kind;
    private final Map<String, Double> references = new LinkedHashMap<>();   // mutable: callers add reference figures

    TokenCorpusTask(String kind, TokenCorpus corpus, Vocabulary vocab) {
        this.kind = kind;
        this.corpus = corpus;
        this.vocab = vocab;
    }

    public TokenCorpus corpus() { return corpus; }

    public Vocabulary vocabulary() { return vocab; }

    @Override
    public String kind() { return kind; }

    /** The graph reads ids at its first input and predicts them at its first output, whatever their names. */
    @Override
    public Vocabularies vocabularies() { return new Vocabularies().tokens(Vocabularies.TOKENS, vocab, "input:#0", "output:#0"); }

    @Override
    public String selectionMetric() { return "ppl"; }

    @Override
    public boolean lowerIsBetter() { return true; }

    @Override
    public Map<String, Double> references() { return references; }

    @Override
    public Map<String, Object> provenance() { return provenance(corpus); }

    /** What a result records about its data; a registered dataset is named by its card's digest. */
    public static Map<String, Object> provenance(TokenCorpus corpus) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("dataset", corpus.name());
        p.put("level", corpus.level().name().toLowerCase());
        p.put("train_tokens", corpus.train().size());
        p.put("valid_tokens", corpus.valid().size());
        p.put("test_tokens", corpus.test().size());
        if (Datasets.names().contains(corpus.name())) p.put("dataset_digest", DatasetCard.load(corpus.name()).digest());
        return p;
    }

    @Override
    public String describeData() {
        return String.format("%,d / %,d / %,d tokens, vocabulary %,d", corpus.train().size(), corpus.valid().size(),
                corpus.test().size(), vocab.size());
    }

    @Override
    public String describe(Map<String, Double> m) {
        return String.format("perplexity %.3f (cross-entropy %.4f nats over %,d tokens)", m.get("ppl"), m.get("cross_entropy"),
                m.get("tokens").longValue());
    }
}
