package org.rnnzoo.datasets;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The Stanford Sentiment Treebank's parse trees ({@code sst-trees}) as the papers trained on them
 * (Socher et al. 2013, Kim 2014, Tai et al. 2015): every labelled phrase of the training trees, and
 * the whole sentences of dev and test. {@code sst2-phrases} drops neutral (2) nodes and maps 0–1 to
 * negative, 3–4 to positive; {@code sst5-phrases} keeps the five labels. The recipe, exactly, is in
 * {@code datasets/sst-trees.yaml}.
 */
public final class SentimentTrees {
    public static final String SST2 = "sst2-phrases", SST5 = "sst5-phrases", FILES = "sst-trees";
    public static final List<String> NAMES = List.of(SST2, SST5);

    private SentimentTrees() {}

    /** @param name {@code sst2-phrases} or {@code sst5-phrases} */
    public static LabelledSentences load(DatasetStore store, String name) {
        boolean binary = switch (name) {
            case SST2 -> true;
            case SST5 -> false;
            default -> throw new DatasetException("dataset '" + name + "' is not a phrase-level SST set " + NAMES);
        };
        List<String> classes = binary ? StanfordSentiment.BINARY : StanfordSentiment.FINE;
        return new LabelledSentences(name, classes, read(store, "train.txt", binary, true), read(store, "dev.txt", binary, false),
                read(store, "test.txt", binary, false), 0);
    }

    /** Every node's (label, phrase) once (phrases) or each tree's root (sentences), in file order. */
    private static List<LabelledSentences.Example> read(DatasetStore store, String file, boolean binary, boolean phrases) {
        Path p = store.path(FILES, file);
        List<String> lines = TextLines.read(p, StandardCharsets.UTF_8);
        Set<LabelledSentences.Example> distinct = new LinkedHashSet<>();
        List<LabelledSentences.Example> roots = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            List<LabelledSentences.Example> nodes = new ArrayList<>();
            Parser parser = new Parser(lines.get(i), nodes, FILES, file, i + 1);
            LabelledSentences.Example root = parser.node();
            parser.end();
            for (LabelledSentences.Example e : phrases ? nodes : List.of(root)) {
                LabelledSentences.Example kept = binary ? binary(e) : e;
                if (kept == null) continue;
                if (phrases) distinct.add(kept);
                else roots.add(kept);
            }
        }
        return phrases ? List.copyOf(distinct) : roots;
    }

    /** 0–1 → negative (0), 3–4 → positive (1), neutral → dropped. */
    private static LabelledSentences.Example binary(LabelledSentences.Example e) {
        if (e.label() == 2) return null;
        return new LabelledSentences.Example(e.label() < 2 ? 0 : 1, e.tokens());
    }

    /** A recursive-descent reader of one PTB tree {@code (label child child)} / {@code (label word)}; collects every node. */
    private static final class Parser {
        private final String s, file;
        private final List<LabelledSentences.Example> nodes;
        private final String dataset;
        private final int line;
        private int at;

        Parser(String s, List<LabelledSentences.Example> nodes, String dataset, String file, int line) {
            this.s = s;
            this.nodes = nodes;
            this.dataset = dataset;
            this.file = file;
            this.line = line;
        }

        LabelledSentences.Example node() {
            skipSpaces();
            expect('(');
            int start = at;
            while (at < s.length() && Character.isDigit(s.charAt(at))) at++;
            if (at == start || at - start > 1 || s.charAt(start) > '4') throw bad("a label 0-4");
            int label = s.charAt(start) - '0';
            skipSpaces();
            List<String> tokens = new ArrayList<>();
            if (at < s.length() && s.charAt(at) == '(') {
                while (true) {
                    skipSpaces();
                    if (at < s.length() && s.charAt(at) == ')') break;
                    tokens.addAll(node().tokens());
                }
            } else {
                int w = at;
                while (at < s.length() && s.charAt(at) != ')' && !Character.isWhitespace(s.charAt(at))) at++;
                if (at == w) throw bad("a word");
                tokens.add(s.substring(w, at).toLowerCase(Locale.ROOT));   // -LRB- → -lrb-, as in the stsa files
                skipSpaces();
            }
            expect(')');
            LabelledSentences.Example e = new LabelledSentences.Example(label, List.copyOf(tokens));
            nodes.add(e);
            return e;
        }

        void end() {
            skipSpaces();
            if (at != s.length()) throw bad("the end of the tree");
        }

        private void skipSpaces() { while (at < s.length() && Character.isWhitespace(s.charAt(at))) at++; }

        private void expect(char c) {
            if (at >= s.length() || s.charAt(at) != c) throw bad("'" + c + "'");
            at++;
        }

        private DatasetException bad(String expected) {
            return DatasetException.of(dataset, file, "line " + line + ", character " + (at + 1) + ": expected " + expected
                    + " in a PTB tree: " + StanfordSentiment.abbreviate(s));
        }
    }
}
