package org.rnnzoo.datasets;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Pang & Lee's (2005) sentence polarity data, "MR" in Kim (2014): 5,331 positive and 5,331
 * negative snippets, already lower-cased and tokenised. There is no standard split; papers report
 * 10-fold cross-validation, so the sentences come shuffled once with the card's seed and
 * {@link LabelledSentences#fold} cuts the folds.
 */
public final class MovieReviews {
    public static final String NAME = "mr";
    public static final List<String> CLASSES = List.of("negative", "positive");
    /** The files are single-byte Windows-1252 (0x85 '…', 0x91/0x92 quotes, 0xE9 'é'), not UTF-8. */
    static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    private MovieReviews() {}

    public static LabelledSentences load(DatasetStore store) {
        DatasetCard card = DatasetCard.load(NAME);
        List<LabelledSentences.Example> all = new ArrayList<>();
        read(store, "rt-polarity.neg", 0, all);
        read(store, "rt-polarity.pos", 1, all);
        Collections.shuffle(all, new Random(card.recipe("seed").longValue()));
        return new LabelledSentences(NAME, CLASSES, all, List.of(), List.of(),
                card.recipe("folds").intValue());
    }

    private static void read(DatasetStore store, String file, int label, List<LabelledSentences.Example> out) {
        for (String line : TextLines.read(store.path(NAME, file), WINDOWS_1252)) {
            String s = line.strip();
            if (!s.isEmpty()) out.add(new LabelledSentences.Example(label, List.of(s.split("\\s+"))));
        }
    }
}
