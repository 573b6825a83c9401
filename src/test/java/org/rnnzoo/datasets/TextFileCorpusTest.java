package org.rnnzoo.datasets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** text:PATH: any UTF-8 file, split 90/5/5 contiguously; anything else is a one-line error naming the file. */
class TextFileCorpusTest {
    @TempDir
    Path tmp;

    @Test
    void wordLevelSplitsByLinesWithOneEosPerNonEmptyLine() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 100; i++) lines.add("line " + i + " here");
        lines.add(50, "   ");
        Path f = Files.write(tmp.resolve("book.txt"), lines);
        TokenCorpus c = Datasets.lm("text:" + f, new DatasetStore(tmp.resolve("cache"), null));
        assertEquals("text:" + f, c.name());
        assertEquals(List.of(90 * 4, 5 * 4, 5 * 4), List.of(c.train().size(), c.valid().size(), c.test().size()));
        assertEquals(List.of("line", "90", "here", "<eos>"), c.valid().subList(0, 4), "contiguous: valid starts at line 90");
        assertEquals(c, TextFileCorpus.load(f, TokenCorpus.Level.WORD), "deterministic");
    }

    @Test
    void charLevelKeepsEveryCharacterIncludingNewlines() throws Exception {
        String text = "héllo wörld\n".repeat(50);
        Path f = Files.writeString(tmp.resolve("book.txt"), text);
        TokenCorpus c = TextFileCorpus.load(f, TokenCorpus.Level.CHAR);
        assertEquals(text.length(), c.train().size() + c.valid().size() + c.test().size());
        assertEquals(text.length() * 90 / 100, c.train().size());
        assertEquals(text, String.join("", c.train()) + String.join("", c.valid()) + String.join("", c.test()));
        assertEquals(text.length(), TextFileCorpus.readTokens(f, TokenCorpus.Level.CHAR).size());
    }

    private static void assertOneLineNaming(Path f, String problem, TokenCorpus.Level level) {
        DatasetException e = assertThrows(DatasetException.class, () -> TextFileCorpus.load(f, level));
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains(problem), e.getMessage());
    }

    @Test
    void missingEmptyBinaryAndNonUtf8FilesAreNamed() throws Exception {
        assertOneLineNaming(tmp.resolve("nope.txt"), "does not exist", TokenCorpus.Level.WORD);
        assertOneLineNaming(Files.createFile(tmp.resolve("empty.txt")), "is empty", TokenCorpus.Level.CHAR);
        assertOneLineNaming(Files.write(tmp.resolve("image.png"), new byte[]{(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13}), "binary",
                TokenCorpus.Level.WORD);
        assertOneLineNaming(Files.write(tmp.resolve("latin1.txt"), new byte[]{'c', 'a', 'f', (byte) 0xE9, '\n'}), "not UTF-8",
                TokenCorpus.Level.CHAR);
        assertOneLineNaming(Files.writeString(tmp.resolve("blank.txt"), "\n  \n\t\n"), "no words", TokenCorpus.Level.WORD);
        assertOneLineNaming(tmp, "directory", TokenCorpus.Level.WORD);
    }

    /**
     * A 30 MB one-line character file peaked at 3.6 GB RSS for a 3,135-parameter model: a new
     * String per character. Equal characters are now one shared String (2.4 GB -> 0.6 GB peak RSS
     * for loading, counting and encoding that file; docs/reliability.md).
     */
    @Test
    void aCharacterStreamSharesOneStringPerDistinctCharacter(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("one-line.txt"), "to be or not to be ".repeat(1000));
        TokenCorpus c = TextFileCorpus.load(file, TokenCorpus.Level.CHAR);
        java.util.Set<String> distinct = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (String split : List.of("train", "valid", "test")) distinct.addAll(c.split(split));
        assertEquals(7, distinct.size(), "one String object for each of 't', 'o', ' ', 'b', 'e', 'r', 'n'");
    }

    @Test
    void aBookOnOneLineIsSplitByWords(@TempDir Path dir) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 10_000; i++) sb.append("w").append(i % 50).append(' ');
        TokenCorpus c = TextFileCorpus.load(Files.writeString(dir.resolve("one-line.txt"), sb.toString()), TokenCorpus.Level.WORD);
        assertEquals(9_000, c.train().size());
        assertEquals(10_001, c.train().size() + c.valid().size() + c.test().size(), "every word and the line's <eos>");
    }
}
