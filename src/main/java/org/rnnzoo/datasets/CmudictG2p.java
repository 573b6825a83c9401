package org.rnnzoo.datasets;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Grapheme-to-phoneme pairs from the CMUdict 0.7b split of CNTK's G2P example: source = the letters
 * of the word, target = its ARPAbet phonemes. Train / dev / test are the files CNTK's G2P.cntk
 * names ({@code train-dev-20-21}, {@code train-dev-1-21}, {@code test}); a word with several
 * pronunciations gives several pairs, as in the files.
 *
 * <p>Stress digits are kept as they appear; these split files carry none (CNTK removed them), so
 * {@code stripStress} only matters for files that have them.
 */
public final class CmudictG2p {
    public static final String NAME = "cmudict-g2p";

    private CmudictG2p() {}

    public static SentencePairs load(DatasetStore store) { return load(store, false); }

    public static SentencePairs load(DatasetStore store, boolean stripStress) {
        return new SentencePairs(NAME, read(store, "cmudict-0.7b.train-dev-20-21", stripStress),
                read(store, "cmudict-0.7b.train-dev-1-21", stripStress), read(store, "cmudict-0.7b.test", stripStress));
    }

    private static List<SentencePairs.Pair> read(DatasetStore store, String file, boolean stripStress) {
        Path p = store.path(NAME, file);
        List<String> lines = TextLines.read(p, StandardCharsets.UTF_8);
        List<SentencePairs.Pair> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int sep = line.indexOf("  "); // "WORD  PH1 PH2 ..." (two spaces after the word)
            if (sep <= 0 || line.substring(sep).isBlank())
                throw DatasetException.of(NAME, file, "line " + (i + 1) + " of " + p + " is not 'WORD  PHONEMES': "
                        + StanfordSentiment.abbreviate(line));
            List<String> letters = line.substring(0, sep).codePoints().mapToObj(Character::toString).toList();
            List<String> phonemes = new ArrayList<>();
            for (String ph : line.substring(sep).strip().split("\\s+")) phonemes.add(stripStress ? ph.replaceAll("\\d", "") : ph);
            out.add(new SentencePairs.Pair(letters, List.copyOf(phonemes)));
        }
        return out;
    }
}
