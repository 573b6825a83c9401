package org.rnnzoo.datasets;


import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Brown corpus as Bengio et al. (2003, section 4.1) use it: one stream of words (tags stripped,
 * case kept) in file order, the first 800,000 for training, the next 200,000 for validation, the
 * rest for test, and words seen at most 3 times in training merged into {@code <unk>} ("rare words
 * with frequency ≤ 3 were merged into a single symbol").
 *
 * <p>By default the stream carries no sentence marker, as the paper's word counts do; with
 * {@code eosPerSentence} one {@code <eos>} ends every sentence (and counts towards the 800,000).
 */
public final class BrownCorpus {
    public static final String NAME = "brown";

    private BrownCorpus() {}

    public static TokenCorpus load(DatasetStore store) { return load(store, false); }

    public static TokenCorpus load(DatasetStore store, boolean eosPerSentence) {
        DatasetCard card = DatasetCard.load(NAME);
        int trainSize = card.recipe("train_tokens").intValue(), validSize = card.recipe("valid_tokens").intValue();
        int unkMaxCount = card.recipe("unk_max_count").intValue();
        List<String> stream = new ArrayList<>(1_250_000);
        for (DatasetStore.Fetched f : store.fetch(NAME)) { // all 500 files verified at once, in card (name) order
            for (String line : TextLines.read(f.path(), StandardCharsets.UTF_8)) {
                String s = line.strip();
                if (s.isEmpty()) continue; // sentences are separated by blank lines
                for (String tagged : s.split("\\s+")) {
                    int slash = tagged.lastIndexOf('/'); // word/tag; a word may itself contain '/'
                    stream.add(slash > 0 ? tagged.substring(0, slash) : tagged);
                }
                if (eosPerSentence) stream.add("<eos>");
            }
        }
        if (stream.size() <= trainSize + validSize)
            throw new DatasetException("dataset 'brown': only " + stream.size() + " tokens, fewer than train + valid = "
                    + (trainSize + validSize));
        Map<String, Integer> trainCounts = new HashMap<>();
        for (String w : stream.subList(0, trainSize)) trainCounts.merge(w, 1, Integer::sum);
        for (int i = 0; i < stream.size(); i++) {
            String w = stream.get(i);
            if (!w.equals("<eos>") && trainCounts.getOrDefault(w, 0) <= unkMaxCount) stream.set(i, "<unk>");
        }
        return new TokenCorpus(NAME, TokenCorpus.Level.WORD, stream.subList(0, trainSize),
                stream.subList(trainSize, trainSize + validSize), stream.subList(trainSize + validSize, stream.size()));
    }
}
