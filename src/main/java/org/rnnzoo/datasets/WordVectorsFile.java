package org.rnnzoo.datasets;

import org.rnnzoo.common.ZooException;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Pre-trained word vectors in the text format GloVe and word2vec share: one word a line followed by
 * its numbers, separated by spaces; word2vec's first line {@code N DIM} (two integers) is a header
 * and skipped. A line with more fields than {@code DIM + 1} has spaces inside its word (glove.840B
 * has a few): the last {@code DIM} fields are the vector, the rest the word. Only the vectors of
 * {@code wanted} words are parsed, so a large file costs one pass of splitting, not of float parsing.
 */
public final class WordVectorsFile {
    private WordVectorsFile() {}

    /**
     * @param dim the width the vectors must have (the model's embedding width)
     * @return the vectors of the wanted words the file has (the first line of a word wins)
     */
    public static Map<String, float[]> read(Path file, int dim, Set<String> wanted) {
        Map<String, float[]> out = new HashMap<>();
        int number = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            boolean checkedWidth = false;
            LineBytes bytes = new LineBytes();
            CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            while (bytes.next(in)) {
                number++;
                String line;
                try {   // line by line, so an invalid byte is reported at its own line
                    line = utf8.decode(ByteBuffer.wrap(bytes.buf, 0, bytes.length)).toString();
                } catch (CharacterCodingException e) {
                    throw bad(file, number, "is not valid UTF-8");
                }
                if (line.isBlank()) throw bad(file, number, "is blank");
                String[] f = line.strip().split("[ \t]+");
                if (number == 1 && f.length == 2 && f[0].matches("\\d+") && f[1].matches("\\d+")) {   // word2vec's "N DIM"
                    if (Integer.parseInt(f[1]) != dim) throw width(file, number, Integer.parseInt(f[1]) + " (its header)", dim);
                    checkedWidth = true;
                    continue;
                }
                if (f.length < 2) throw bad(file, number, "has a word but no numbers");
                if (!checkedWidth) {
                    if (f.length - 1 != dim && !isNumber(f[1])) throw bad(file, number, "does not start with a word and its numbers");
                    if (f.length - 1 != dim) throw width(file, number, String.valueOf(f.length - 1), dim);
                    checkedWidth = true;
                }
                if (f.length < dim + 1) throw bad(file, number, "has " + (f.length - 1) + " numbers, the other lines " + dim);
                String word = f.length == dim + 1 ? f[0] : String.join(" ", java.util.Arrays.copyOf(f, f.length - dim));
                if (!wanted.contains(word) || out.containsKey(word)) continue;
                float[] v = new float[dim];
                for (int k = 0; k < dim; k++) {
                    String x = f[f.length - dim + k];
                    try {
                        v[k] = Float.parseFloat(x);
                    } catch (NumberFormatException e) {
                        throw bad(file, number, "has '" + x + "' where a number should be");
                    }
                    if (!Float.isFinite(v[k])) throw bad(file, number, "has '" + x + "', not a finite number");
                }
                out.put(word, v);
            }
        } catch (NoSuchFileException e) {
            throw new ZooException("--vectors " + file + ": no such file");
        } catch (IOException e) {
            throw new ZooException("--vectors " + file + ": cannot read it: " + ZooException.reason(e), e);
        }
        if (number == 0) throw new ZooException("--vectors " + file + ": the file is empty");
        return out;
    }

    /** The bytes of one line at a time, without its LF (or CRLF). */
    private static final class LineBytes {
        byte[] buf = new byte[8192];
        int length;

        boolean next(InputStream in) throws IOException {
            length = 0;
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                if (length == buf.length) buf = java.util.Arrays.copyOf(buf, 2 * length);
                buf[length++] = (byte) b;
            }
            if (b == -1 && length == 0) return false;
            if (length > 0 && buf[length - 1] == '\r') length--;
            return true;
        }
    }

    private static boolean isNumber(String s) {
        try {
            Float.parseFloat(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static ZooException bad(Path file, int line, String problem) {
        return new ZooException("--vectors " + file + " line " + line + " " + problem + " (expected: a word, then its numbers, separated by spaces)");
    }

    private static ZooException width(Path file, int line, String found, int dim) {
        return new ZooException("--vectors " + file + " line " + line + ": vectors of width " + found + ", but the model's embedding is "
                + dim + " wide (train with --set embedding=" + found.split(" ")[0] + ")");
    }
}
