package org.rnnzoo.datasets;


import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
 *
 * <p>{@link #tagged} is the same text as part-of-speech tagged sentences ({@value #POS}), on the
 * same split cut at sentence boundaries, with the tags normalised by {@link #normaliseTag}.
 */
public final class BrownCorpus {
    public static final String NAME = "brown";
    /** The tagging view of the same files. */
    public static final String POS = "brown-pos";

    private BrownCorpus() {}

    public static TokenCorpus load(DatasetStore store) { return load(store, false); }

    public static TokenCorpus load(DatasetStore store, boolean eosPerSentence) {
        DatasetCard card = DatasetCard.load(NAME);
        int trainSize = card.recipe("train_tokens").intValue(), validSize = card.recipe("valid_tokens").intValue();
        int unkMaxCount = card.recipe("unk_max_count").intValue();
        List<String> stream = new ArrayList<>(1_250_000);
        for (List<String> sentence : taggedSentences(store)) {
            for (String tagged : sentence) stream.add(tagged.substring(0, tagged.lastIndexOf('/')));
            if (eosPerSentence) stream.add("<eos>");
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

    /**
     * Brown as part-of-speech tagged sentences (words as written, case kept; tags normalised by
     * {@link #normaliseTag}, numbered in order of first appearance). The Bengio split moved to the
     * nearest sentence boundary: train is the sentences before the boundary nearest to token
     * 800,000 of the stream, valid those up to the boundary nearest to token 1,000,000, test the rest
     * (a tie goes to the earlier boundary). Words are not merged into {@code <unk>} here: the task's
     * vocabulary decides what is unknown.
     */
    public static TaggedSentences tagged(DatasetStore store) {
        DatasetCard card = DatasetCard.load(NAME);
        long trainSize = card.recipe("train_tokens").longValue(), validSize = card.recipe("valid_tokens").longValue();
        List<List<String>> sentences = taggedSentences(store);
        long[] starts = new long[sentences.size() + 1];   // starts[i]: stream offset of sentence i; starts[n]: total
        for (int i = 0; i < sentences.size(); i++) starts[i + 1] = starts[i] + sentences.get(i).size();
        int trainEnd = nearestBoundary(starts, trainSize), validEnd = nearestBoundary(starts, trainSize + validSize);
        if (trainEnd == 0 || validEnd <= trainEnd || validEnd >= sentences.size())
            throw new DatasetException("dataset '" + POS + "': only " + starts[sentences.size()] + " tokens, too few for the split");
        Map<String, Integer> tagIds = new LinkedHashMap<>();
        List<TaggedSentences.Example> all = new ArrayList<>(sentences.size());
        for (List<String> sentence : sentences) {
            List<String> words = new ArrayList<>(sentence.size());
            int[] tags = new int[sentence.size()];
            for (int t = 0; t < tags.length; t++) {
                String tagged = sentence.get(t);
                int slash = tagged.lastIndexOf('/');
                words.add(tagged.substring(0, slash));
                tags[t] = tagIds.computeIfAbsent(normaliseTag(tagged.substring(slash + 1)), k -> tagIds.size());
            }
            all.add(new TaggedSentences.Example(words, tags));
        }
        return new TaggedSentences(POS, List.copyOf(tagIds.keySet()), all.subList(0, trainEnd), all.subList(trainEnd, validEnd),
                all.subList(validEnd, all.size()));
    }

    /** The index of the sentence boundary (a value of {@code starts}) nearest to {@code offset}, the earlier on a tie. */
    static int nearestBoundary(long[] starts, long offset) {
        int best = 0;
        for (int i = 1; i < starts.length; i++) if (Math.abs(starts[i] - offset) < Math.abs(starts[best] - offset)) best = i;
        return best;
    }

    /**
     * The Brown tag without what does not change the part of speech: the {@code fw-} prefix
     * (foreign word), the suffixes {@code -tl} (in a title), {@code -hl} (in a headline) and
     * {@code -nc} (cited word), however many and in any order, and of a compound tag (a contraction,
     * {@code ppss+bem} for "I'm") its first part. {@code np-tl} → {@code np}, {@code fw-in} → {@code in},
     * {@code nn$-hl} → {@code nn$}, {@code ppss+bem} → {@code ppss}; {@code --}, {@code md*} (negated
     * modal) and {@code *} ("not") stay as they are.
     */
    public static String normaliseTag(String tag) {
        String t = tag.startsWith("fw-") ? tag.substring(3) : tag;
        for (boolean cut = true; cut; ) {
            cut = t.length() > 3 && (t.endsWith("-tl") || t.endsWith("-hl") || t.endsWith("-nc"));
            if (cut) t = t.substring(0, t.length() - 3);
        }
        int plus = t.indexOf('+', 1);
        return plus > 0 ? t.substring(0, plus) : t;
    }

    /** Every sentence (a non-blank line) of the 500 files in card order, as its word/tag tokens. */
    private static List<List<String>> taggedSentences(DatasetStore store) {
        List<List<String>> out = new ArrayList<>(60_000);
        for (DatasetStore.Fetched f : store.fetch(NAME)) { // all 500 files verified at once, in card (name) order
            List<String> lines = TextLines.read(f.path(), StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String s = lines.get(i).strip();
                if (s.isEmpty()) continue; // sentences are separated by blank lines
                List<String> sentence = List.of(s.split("\\s+"));
                for (String tagged : sentence) {
                    int slash = tagged.lastIndexOf('/'); // word/tag; a word may itself contain '/'
                    if (slash <= 0 || slash == tagged.length() - 1)
                        throw DatasetException.of(NAME, f.file(), "line " + (i + 1) + ": '" + tagged
                                + "' is not word/tag");
                }
                out.add(sentence);
            }
        }
        return out;
    }
}
