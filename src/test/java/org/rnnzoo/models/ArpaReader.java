package org.rnnzoo.models;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an ARPA back-off language model and scores with the back-off rule alone, independent of
 * {@link KneserNeyLm}'s own arithmetic: p(w | h) is the listed p(hw) if hw is listed, else
 * bow(h) * p(w | h minus its first word), with bow(h) = 1 (log 0) when h is not listed.
 */
final class ArpaReader {
    /** declared[k] from the \data\ header, listed[k] = lines found in the \k-grams: section. */
    final int[] declared, listed;
    final int order;
    private final Map<String, double[]> entries = new HashMap<>(); // n-gram -> {log10 p, log10 bow}

    private ArpaReader(int[] declared, int[] listed) {
        this.declared = declared;
        this.listed = listed;
        this.order = declared.length - 1;
    }

    static ArpaReader read(Path path) throws IOException {
        List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        int i = 0;
        while (!lines.get(i).equals("\\data\\")) i++;
        List<Integer> counts = new ArrayList<>();
        for (i++; lines.get(i).startsWith("ngram "); i++)
            counts.add(Integer.parseInt(lines.get(i).substring(lines.get(i).indexOf('=') + 1).trim()));
        int[] declared = new int[counts.size() + 1];
        for (int k = 1; k <= counts.size(); k++) declared[k] = counts.get(k - 1);
        ArpaReader arpa = new ArpaReader(declared, new int[declared.length]);
        int k = 0;
        boolean ended = false;
        for (; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) continue;
            if (line.equals("\\end\\")) { ended = true; break; }
            if (line.startsWith("\\") && line.endsWith("-grams:")) {
                k = Integer.parseInt(line.substring(1, line.indexOf('-')));
                continue;
            }
            String[] f = line.split("\\s+");
            if (f.length != 1 + k && f.length != 2 + k) throw new IOException("bad " + k + "-gram line: " + line);
            String ngram = String.join(" ", java.util.Arrays.copyOfRange(f, 1, 1 + k));
            double bow = f.length == 2 + k ? Double.parseDouble(f[1 + k]) : 0;
            if (arpa.entries.put(ngram, new double[] {Double.parseDouble(f[0]), bow}) != null)
                throw new IOException("n-gram listed twice: " + ngram);
            arpa.listed[k]++;
        }
        if (!ended) throw new IOException("no \\end\\ marker");
        return arpa;
    }

    /** log10 p(word | context), the context being the words since and including {@code <s>}. */
    double log10Prob(List<String> context, String word) {
        List<String> ctx = context.subList(Math.max(0, context.size() - (order - 1)), context.size());
        double[] hit = entries.get(join(ctx, word));
        if (hit != null) return hit[0];
        if (ctx.isEmpty()) return Double.NEGATIVE_INFINITY; // word not in the vocabulary
        double[] h = entries.get(String.join(" ", ctx));
        return (h == null ? 0 : h[1]) + log10Prob(ctx.subList(1, ctx.size()), word);
    }

    private static String join(List<String> ctx, String word) {
        return ctx.isEmpty() ? word : String.join(" ", ctx) + " " + word;
    }
}
