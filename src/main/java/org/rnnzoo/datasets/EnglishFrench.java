package org.rnnzoo.datasets;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * English→French sentence pairs from Tatoeba via manythings.org/anki (CC BY 2.0), one
 * {@code English<TAB>French} pair per line. The source has no split; ours is fixed by the card's
 * seed and made over distinct English sentences, so the several translations of one sentence all
 * land in the same split and the test set never contains a training source.
 *
 * <p>Tokens: words (letters, digits, inner apostrophes and hyphens: {@code don't}, {@code J'ai},
 * {@code peut-être}) and single punctuation marks; case is kept. French typography puts a
 * (narrow) no-break space before ! ? : ; which is treated as a space.
 */
public final class EnglishFrench {
    public static final String NAME = "eng-fra";
    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{M}\\p{N}]+(?:['’-][\\p{L}\\p{M}\\p{N}]+)*|[^\\s\\p{Z}]");

    private EnglishFrench() {}

    /** @param maxTokens keep only pairs whose both sides have at most this many tokens; applied after the split, so it never moves a pair */
    public static SentencePairs load(DatasetStore store, int maxTokens) { return load(store).maxTokens(maxTokens); }

    public static SentencePairs load(DatasetStore store) {
        DatasetCard card = DatasetCard.load(NAME);
        Path p = store.path(NAME, "fra.txt");
        List<String> lines = TextLines.read(p, StandardCharsets.UTF_8);
        // Group line numbers by English sentence, in order of first occurrence.
        Map<String, List<Integer>> bySource = new LinkedHashMap<>();
        List<SentencePairs.Pair> pairs = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String[] cols = lines.get(i).split("\t", -1);
            if (cols.length < 2 || cols[0].isBlank() || cols[1].isBlank())
                throw DatasetException.of(NAME, "fra.txt", "line " + (i + 1) + " of " + p + " is not 'English<TAB>French': "
                        + StanfordSentiment.abbreviate(lines.get(i)));
            pairs.add(new SentencePairs.Pair(tokens(cols[0]), tokens(cols[1])));
            bySource.computeIfAbsent(cols[0], k -> new ArrayList<>()).add(i);
        }
        List<List<Integer>> groups = new ArrayList<>(bySource.values());
        Collections.shuffle(groups, new Random(card.recipe("seed").longValue()));
        long n = pairs.size();
        long trainEnd = n * card.recipe("train_percent").intValue() / 100;
        long validEnd = trainEnd + n * card.recipe("valid_percent").intValue() / 100;
        int[] splitOf = new int[pairs.size()];
        long seen = 0;
        for (List<Integer> g : groups) {
            int s = seen < trainEnd ? 0 : seen < validEnd ? 1 : 2;
            for (int i : g) splitOf[i] = s;
            seen += g.size();
        }
        List<List<SentencePairs.Pair>> splits = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < pairs.size(); i++) splits.get(splitOf[i]).add(pairs.get(i)); // file order within each split
        return new SentencePairs(NAME, splits.get(0), splits.get(1), splits.get(2));
    }

    static List<String> tokens(String sentence) {
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(sentence);
        while (m.find()) out.add(m.group());
        return List.copyOf(out);
    }
}
