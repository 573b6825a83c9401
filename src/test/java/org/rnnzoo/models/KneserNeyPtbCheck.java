package org.rnnzoo.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rnnzoo.data.Vocabulary;

/**
 * Measures KN 3-gram and 5-gram perplexity on Mikolov's PTB against Mikolov 2012 (thesis, table
 * 4.1 / Mikolov et al. 2011, "Empirical evaluation and combination of advanced language modeling
 * techniques"): KN3 148.3, KN5 141.2, no count cutoffs. Measured here: KN3 148.28, KN5 141.19
 * (test, 82,430 tokens), with either vocabulary. Not a unit test, though it takes only seconds.
 *
 * <p>Usage: {@code KneserNeyPtbCheck PTB_DIR [srilm|zoo] [ARPA_OUT_DIR]}. "srilm" (default) uses
 * SRILM's vocabulary, the 9,999 train words + {@code </s>} (+ {@code <s>}, which gets no mass);
 * "zoo" uses {@link Vocabulary} as the trainers do, which adds a never-seen {@code <pad>}.
 */
public final class KneserNeyPtbCheck {
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        String vocabKind = args.length > 1 ? args[1] : "srilm";
        Path arpaDir = args.length > 2 ? Path.of(args[2]) : null;
        List<List<String>> train = read(dir.resolve("ptb.train.txt")), valid = read(dir.resolve("ptb.valid.txt")),
                test = read(dir.resolve("ptb.test.txt"));

        Map<String, Integer> ids;
        String[] idToWord;
        int bos, eos;
        if (vocabKind.equals("srilm")) {
            ids = new LinkedHashMap<>();
            for (List<String> s : train) for (String w : s) ids.putIfAbsent(w, ids.size());
            eos = ids.size();
            ids.put("</s>", eos);
            bos = ids.size();
            ids.put("<s>", bos);
        } else if (vocabKind.equals("zoo")) {
            List<String> tokens = new ArrayList<>();
            for (List<String> s : train) tokens.addAll(s);
            Vocabulary v = Vocabulary.build(tokens, 1, 0);
            ids = new HashMap<>();
            for (int i = 0; i < v.size(); i++) ids.put(v.word(i), i);
            bos = Vocabulary.BOS_ID;
            eos = Vocabulary.EOS_ID;
        } else {
            throw new IllegalArgumentException("vocabulary must be one of srilm, zoo; got " + vocabKind);
        }
        idToWord = new String[ids.size()];
        ids.forEach((w, i) -> idToWord[i] = w);
        List<int[]> trainIds = encode(train, ids), validIds = encode(valid, ids), testIds = encode(test, ids);
        long testTokens = testIds.stream().mapToLong(s -> s.length + 1).sum();
        System.out.printf(Locale.ROOT, "vocabulary %s: %d ids; train sentences %d, test tokens (words + </s>) %d%n",
                vocabKind, ids.size(), trainIds.size(), testTokens);

        for (int order : new int[] {3, 5}) {
            System.gc();
            long before = usedHeap();
            long t0 = System.nanoTime();
            KneserNeyLm lm = KneserNeyLm.train(trainIds, ids.size(), order, bos, eos);
            double trainS = (System.nanoTime() - t0) / 1e9;
            System.gc();
            long model = usedHeap() - before;
            t0 = System.nanoTime();
            double testPpl = lm.perplexity(testIds), validPpl = lm.perplexity(validIds);
            double evalS = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "KN%d: test ppl %.2f, valid ppl %.2f; train %.1f s, eval (valid+test) %.1f s, "
                    + "retained heap %.0f MB, discounts %s%n", order, testPpl, validPpl, trainS, evalS, model / 1e6,
                    describeDiscounts(lm));
            if (arpaDir != null) {
                t0 = System.nanoTime();
                Path out = arpaDir.resolve("ptb.kn" + order + "." + vocabKind + ".arpa");
                lm.writeArpa(out, idToWord);
                System.out.printf(Locale.ROOT, "  wrote %s (%.0f MB) in %.1f s%n", out, Files.size(out) / 1e6,
                        (System.nanoTime() - t0) / 1e9);
            }
        }
    }

    private static String describeDiscounts(KneserNeyLm lm) {
        StringBuilder sb = new StringBuilder();
        for (int k = 1; k <= lm.order(); k++) {
            double[] d = lm.discounts(k);
            sb.append(String.format(Locale.ROOT, "%s%d:[%.3f %.3f %.3f]", k == 1 ? "" : " ", k, d[1], d[2], d[3]));
        }
        return sb.toString();
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static List<List<String>> read(Path file) throws IOException {
        List<List<String>> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String t = line.trim();
            out.add(t.isEmpty() ? List.of() : List.of(t.split(" +")));
        }
        return out;
    }

    private static List<int[]> encode(List<List<String>> sentences, Map<String, Integer> ids) {
        List<int[]> out = new ArrayList<>(sentences.size());
        for (List<String> s : sentences) {
            int[] a = new int[s.size()];
            for (int i = 0; i < a.length; i++) {
                Integer id = ids.get(s.get(i));
                if (id == null) id = ids.get("<unk>"); // PTB valid/test use only train words; a guard
                a[i] = id;
            }
            out.add(a);
        }
        return out;
    }
}
