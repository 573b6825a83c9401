package org.rnnzoo.datasets;


import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Karpathy's tiny Shakespeare at character level (newlines are characters too): the first 90% of
 * the characters train, the last 10% validate, and test is the validation part again, since the
 * file has no third part (char-rnn's own default is 95/5 with no test).
 */
public final class TinyShakespeare {
    public static final String NAME = "tinyshakespeare";

    private TinyShakespeare() {}

    public static TokenCorpus load(DatasetStore store) {
        DatasetCard card = DatasetCard.load(NAME);
        Path file = store.path(NAME, "input.txt");
        List<String> chars = TextLines.characters(file, StandardCharsets.UTF_8);
        int cut = (int) ((long) chars.size() * card.recipe("train_percent").intValue() / 100);
        List<String> valid = chars.subList(cut, chars.size());
        return new TokenCorpus(NAME, TokenCorpus.Level.CHAR, chars.subList(0, cut), valid, valid);
    }
}
