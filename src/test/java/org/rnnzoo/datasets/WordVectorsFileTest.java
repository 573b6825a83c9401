package org.rnnzoo.datasets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnzoo.common.ZooException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WordVectorsFileTest {
    @TempDir
    Path tmp;

    private Path file(String text) throws Exception { return Files.writeString(tmp.resolve("vectors.txt"), text); }

    private String error(Path f, int dim) {
        return assertThrows(ZooException.class, () -> WordVectorsFile.read(f, dim, Set.of("movie"))).getMessage();
    }

    @Test
    void gloveLinesGiveTheWantedWordsVectors() throws Exception {
        Map<String, float[]> v = WordVectorsFile.read(file("the 0.1 0.2 0.3\nmovie 1 -2 3.5e-1\nmovie 9 9 9\nfilm 0 0 0\n"), 3,
                Set.of("movie", "great"));
        assertEquals(Set.of("movie"), v.keySet(), "only wanted words, and only those the file has");
        assertArrayEquals(new float[]{1f, -2f, 0.35f}, v.get("movie"), "the first line of a word wins");
    }

    @Test
    void word2vecsHeaderIsSkippedAndAWordWithSpacesKeepsTheLastNumbersAsItsVector() throws Exception {
        Map<String, float[]> v = WordVectorsFile.read(file("2 2\r\nat . 0.5 0.25\r\nmovie 1 2\r\n"), 2, Set.of("movie", "at ."));
        assertArrayEquals(new float[]{1f, 2f}, v.get("movie"));
        assertArrayEquals(new float[]{0.5f, 0.25f}, v.get("at ."));
    }

    @Test
    void aMissingFileAWrongWidthAndMalformedLinesAreOneLineErrorsNamingFileAndLine() throws Exception {
        Path missing = tmp.resolve("nope.txt");
        assertTrue(error(missing, 3).contains(missing + ": no such file"));
        Path f = file("movie 1 2\n");
        String width = error(f, 3);
        assertTrue(width.contains(f + " line 1") && width.contains("width 2") && width.contains("embedding is 3"), width);
        assertTrue(error(file("3 50\nmovie 1 2 3\n"), 3).contains("width 50 (its header)"));
        assertTrue(error(file("the 1 2 3\nmovie 1 2\n"), 3).contains("line 2 has 2 numbers, the other lines 3"));
        assertTrue(error(file("the 1 2 3\nmovie 1 x 3\n"), 3).contains("line 2 has 'x' where a number should be"));
        assertTrue(error(file("the 1 2 3\n\nmovie 1 2 3\n"), 3).contains("line 2 is blank"));
        assertTrue(error(file("the 1 2 3\nmovie\n"), 3).contains("line 2 has a word but no numbers"));
        assertTrue(error(file("the 1 2 3\nmovie NaN 1 2\n"), 3).contains("not a finite number"));
        assertTrue(error(file(""), 3).contains("is empty"));
        Path latin1 = tmp.resolve("latin1.txt");
        Files.write(latin1, new byte[]{'t', 'h', 'e', ' ', '1', '\n', 'c', 'a', 'f', (byte) 0xE9, ' ', '2', '\n'});
        String utf8 = error(latin1, 1);
        assertTrue(utf8.contains(latin1 + " line 2 is not valid UTF-8"), utf8);
        for (String m : new String[]{width, utf8}) assertTrue(!m.contains("\n"), "one line: " + m);
    }
}
