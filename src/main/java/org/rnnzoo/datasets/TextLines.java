package org.rnnzoo.datasets;

import org.datavec.api.records.reader.impl.LineRecordReader;
import org.datavec.api.split.FileSplit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The first step of the data flow: a file through DataVec's {@link LineRecordReader}, one record
 * (a single Text writable) per line, into plain strings. Line ends (LF or CRLF) are dropped.
 */
public final class TextLines {
    private TextLines() {}

    /** Every line of the file, in order, decoded with {@code charset}. */
    public static List<String> read(Path file, Charset charset) {
        LineRecordReader reader = new LineRecordReader();
        // LineRecordReader decodes UTF-8 unless told otherwise; MR's files are Windows-1252.
        reader.setCharset(charset.name());
        List<String> lines = new ArrayList<>();
        try {
            reader.initialize(new FileSplit(file.toFile()));
            while (reader.hasNext()) lines.add(reader.next().get(0).toString());
            reader.close();
        } catch (IOException | RuntimeException e) {
            throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatasetException("interrupted while reading " + file, e);
        }
        return lines;
    }

    /**
     * The file as a stream of characters (code points), newlines included: the lines read as
     * above with '\n' put back between them, and after the last one if the file ends with a line
     * break. (A CRLF file comes back with '\n' line ends.)
     */
    public static List<String> characters(Path file, Charset charset) {
        List<String> lines = read(file, charset);
        List<String> chars = new ArrayList<>();
        // one String per distinct character, shared: a new String per character cost ~50 bytes each
        // (a 30 MB one-line file peaked at 3.6 GB RSS); a shared one costs the list's reference
        Map<Integer, String> shared = new HashMap<>();
        boolean finalNewline = endsWithNewline(file);
        for (int i = 0; i < lines.size(); i++) {
            lines.get(i).codePoints().forEach(c -> chars.add(shared.computeIfAbsent(c, Character::toString)));
            lines.set(i, null);   // the line's text is no longer needed
            if (i < lines.size() - 1 || finalNewline) chars.add("\n");
        }
        return chars;
    }

    private static boolean endsWithNewline(Path file) {
        try (FileChannel ch = FileChannel.open(file)) {
            if (ch.size() == 0) return false;
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, ch.size() - 1);
            return b.get(0) == '\n' || b.get(0) == '\r';
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
