package org.rnnzoo.datasets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Any UTF-8 text file as a language-model corpus ({@code --text PATH}, {@code text:PATH}). Word
 * level: whitespace tokens and one {@code <eos>} per non-empty line, split 90/5/5 by lines (by
 * words when the file has fewer than {@value #MIN_LINES} lines, e.g. a book on one line);
 * character level: every character (newlines included), split 90/5/5 by characters. The split is
 * contiguous, so it is the same on every run. A missing, empty or binary file is a one-line error
 * naming it.
 */
public final class TextFileCorpus {
    /** Fewer non-empty lines than this leave a line split empty (5% of 19 lines is 0): the words are split instead. */
    static final int MIN_LINES = 20;

    private TextFileCorpus() {}

    public static TokenCorpus load(Path file, TokenCorpus.Level level) {
        String name = "text:" + file;
        if (level == TokenCorpus.Level.CHAR) {
            List<String> chars = characters(file);
            int a = (int) (chars.size() * 90L / 100), b = (int) (chars.size() * 95L / 100);
            return new TokenCorpus(name, level, chars.subList(0, a), chars.subList(a, b), chars.subList(b, chars.size()));
        }
        List<String> lines = nonEmptyLines(file);
        if (lines.size() < MIN_LINES) {
            // too few lines for three line splits (a book on one line): split its words instead
            List<String> tokens = words(lines);
            int a = (int) (tokens.size() * 90L / 100), b = (int) (tokens.size() * 95L / 100);
            return new TokenCorpus(name, level, tokens.subList(0, a), tokens.subList(a, b), tokens.subList(b, tokens.size()));
        }
        int a = (int) (lines.size() * 90L / 100), b = (int) (lines.size() * 95L / 100);
        return new TokenCorpus(name, level, words(lines.subList(0, a)), words(lines.subList(a, b)), words(lines.subList(b, lines.size())));
    }

    /** The whole file as one token stream (what {@code zoo eval --text} scores). */
    public static List<String> readTokens(Path file, TokenCorpus.Level level) {
        return level == TokenCorpus.Level.CHAR ? characters(file) : words(nonEmptyLines(file));
    }

    private static List<String> characters(Path file) {
        checkText(file);
        return TextLines.characters(file, StandardCharsets.UTF_8);
    }

    private static List<String> nonEmptyLines(Path file) {
        checkText(file);
        List<String> lines = new ArrayList<>();
        for (String l : TextLines.read(file, StandardCharsets.UTF_8)) if (!l.isBlank()) lines.add(l);
        if (lines.isEmpty()) throw new DatasetException("text file " + file + " has no words (only blank lines)");
        return lines;
    }

    private static List<String> words(List<String> lines) {
        List<String> tokens = new ArrayList<>();
        for (String l : lines) {
            for (String t : l.strip().split("\\s+")) tokens.add(t);
            tokens.add(TokenCorpus.EOS);
        }
        return tokens;
    }

    /** Rejects what would otherwise decode into nonsense: a missing or empty file, NUL bytes, malformed UTF-8. */
    private static void checkText(Path file) {
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) throw new DatasetException("text file " + file + " is a directory");
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DatasetException("text file " + file + " does not exist");
        } catch (IOException e) {
            throw new DatasetException("text file " + file + " cannot be read: " + e);
        }
        if (bytes.length == 0) throw new DatasetException("text file " + file + " is empty");
        for (int i = 0; i < bytes.length; i++)
            if (bytes[i] == 0) throw new DatasetException("text file " + file + " is binary, not text (NUL byte at offset " + i + ")");
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            throw new DatasetException("text file " + file + " is not UTF-8 text (" + e.getMessage() + ")");
        }
    }
}
