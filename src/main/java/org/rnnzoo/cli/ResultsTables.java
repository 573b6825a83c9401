package org.rnnzoo.cli;

import org.rnnzoo.Zoo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The tables of docs/results.md: each row a documented command and the paper's figure beside it. */
final class ResultsTables {
    record Row(String id, String label, List<String> args, String metric, String paper, String target) {}

    private ResultsTables() {}

    /** What each table's rows share: the data choices the papers' numbers depend on. */
    static final Map<String, String> NOTES = Map.of(
            "ptb", "Mikolov's PTB as distributed (10k words, `<unk>` and `N` already in the text), one `<eos>` per line; "
                    + "every test token is a target (82,430), the first predicted from a sentence boundary.",
            "brown", "NLTK's Brown copy (1,161,192 tokens; the paper's had 1,181,041, so our test part is shorter): "
                    + "tags stripped, case and punctuation kept, one continuous word stream without sentence markers "
                    + "(as Bengio et al. 2003), words seen <= 3 times in train -> `<unk>`, first 800,000 tokens train, "
                    + "next 200,000 valid, the rest (161,192) test. Absolute perplexities are not comparable with the "
                    + "paper's; the claim to reproduce is the ordering and the margins.",
            "cmudict-g2p", "CNTK's CMUdict split (dev and test as given); test words decoded once each, greedily and with "
                    + "a beam of 5 (the cards' `beam`); a word with several pronunciations is right if it matches any and counts "
                    + "once; WER = wrong words / words, PER = edits to the closest pronunciation / its length, both in %. "
                    + "Luong's input feeding is not built (models/Seq2SeqAttention.java says why).",
            "eng-fra", "Our seeded split of Tatoeba, pairs of <= 15 tokens a side, no English sentence in two splits "
                    + "(datasets/eng-fra.yaml); test decoded greedily and with a beam of 5; corpus BLEU-4 with 13a tokenisation "
                    + "as SacreBLEU computes it.");

    /** Names that run several tables: {@code zoo reproduce seq2seq} is both of the seq2seq tables. */
    static final Map<String, List<String>> GROUPS = Map.of("seq2seq", List.of("cmudict-g2p", "eng-fra"));

    static Map<String, List<Row>> all() {
        Map<String, List<Row>> t = new LinkedHashMap<>();
        t.put("ptb", List.of(
                new Row("kn3", "KN 3-gram", List.of("kn-lm", "--dataset", "ptb", "--set", "order=3"), "test_ppl",
                        "148.3 (Mikolov 2012)", "-"),
                new Row("kn5", "KN 5-gram", List.of("kn-lm", "--dataset", "ptb", "--set", "order=5"), "test_ppl",
                        "141.2 (Mikolov 2012)", "within 1% of 141.2"),
                new Row("rnn", "vanilla RNN", List.of("rnn-lm", "--preset", "ptb"), "test_ppl",
                        "124.7 (Mikolov RNNLM)", "<= 135"),
                new Row("lstm-small", "LSTM small (2x200)", List.of("lstm-lm", "--preset", "zaremba-small"), "test_ppl",
                        "114.5 (Zaremba 2014; TF re-run 115.9)", "<= 118")));
        t.put("brown", List.of(
                new Row("kn5", "KN 5-gram", List.of("kn-lm", "--dataset", "brown", "--set", "order=5"), "test_ppl",
                        "321 (Bengio 2003)", "report"),
                new Row("nplm", "NPLM n=5, h=100, m=30 (+ KN3 mixture)", List.of("nplm", "--dataset", "brown"), "test_ppl",
                        "MLP 268-276; mixture 252 (Bengio 2003)", "beat our KN5 by >= 14%"),
                new Row("lstm", "LSTM (2x200)", List.of("lstm-lm", "--preset", "brown-small"), "test_ppl",
                        "-", "better than the NPLM")));
        String g2pPaper = "bi-LSTM 23.55 / 5.45 (Yao & Zweig 2015); Sequitur ~24.4 WER";
        t.put("cmudict-g2p", List.of(
                new Row("g2p-none", "G2P, no attention", List.of("seq2seq", "--preset", "g2p"), "test_wer", g2pPaper,
                        "worse than attention"),
                new Row("g2p-dot", "G2P, attention: dot", List.of("seq2seq-attention", "--preset", "g2p", "--set", "score=dot"), "test_wer",
                        g2pPaper, "<= 24.0 WER with beam; beam better than greedy"),
                new Row("g2p-general", "G2P, attention: general", List.of("seq2seq-attention", "--preset", "g2p", "--set", "score=general"),
                        "test_wer", g2pPaper, "<= 24.0 WER with beam; beam better than greedy"),
                new Row("g2p-additive", "G2P, attention: additive", List.of("seq2seq-attention", "--preset", "g2p", "--set", "score=additive"),
                        "test_wer", g2pPaper, "<= 24.0 WER with beam; beam better than greedy")));
        t.put("eng-fra", List.of(
                new Row("fra-none", "eng-fra, no attention", List.of("seq2seq", "--preset", "eng-fra"), "test_bleu", "-", "report"),
                new Row("fra-dot", "eng-fra, attention: dot", List.of("seq2seq-attention", "--preset", "eng-fra", "--set", "score=dot"),
                        "test_bleu", "-", ">= no attention + 5 BLEU"),
                new Row("fra-general", "eng-fra, attention: general",
                        List.of("seq2seq-attention", "--preset", "eng-fra", "--set", "score=general"), "test_bleu", "-", ">= no attention + 5 BLEU"),
                new Row("fra-additive", "eng-fra, attention: additive",
                        List.of("seq2seq-attention", "--preset", "eng-fra", "--set", "score=additive"), "test_bleu", "-", ">= no attention + 5 BLEU")));
        return t;
    }

    /**
     * The names {@code zoo reproduce} keeps a row's best checkpoint under (see {@link org.rnnzoo.train.ModelStore}):
     * {@code MODEL:TABLE/ROW} always, and {@code MODEL:TABLE} too for the model's last row in the table (rows run from
     * the baseline recipe to the headline one). A table is named after the dataset all its rows train on. Count
     * models write an ARPA file, not a checkpoint: no names.
     */
    static List<String> trainedModelNames(String table, Row row) {
        String model = row.args().get(0);
        if (Zoo.card(model).task().equals("count-language-model")) return List.of();
        List<Row> rows = all().get(table);
        Row last = rows.stream().filter(r -> r.args().get(0).equals(model)).reduce((a, b) -> b).orElseThrow();
        String name = model + ":" + table;
        return last.id().equals(row.id()) ? List.of(name + "/" + row.id(), name) : List.of(name + "/" + row.id());
    }

    /** Every name a table row makes, with the command that makes it. */
    static Map<String, String> trainedModelCommands() {
        Map<String, String> out = new LinkedHashMap<>();
        all().forEach((table, rows) -> {
            for (Row r : rows)
                for (String name : trainedModelNames(table, r)) out.put(name, "zoo reproduce " + table + " --rows " + r.id());
        });
        return out;
    }

    static String markdown(Map<String, List<Row>> tables, Path resultsDir) {
        StringBuilder sb = new StringBuilder("# Results\n\nEvery number below was produced by the command in its row, "
                + "on a 2-core CPU machine, and is regenerated by `./zoo reproduce TABLE` (rows are stored as JSON in "
                + "`docs/results/TABLE/ROW.json`). Perplexity = exp(total NLL / number of target tokens) on the test split.\n");
        for (Map.Entry<String, List<Row>> e : tables.entrySet()) {
            boolean decoded = e.getValue().stream().allMatch(r -> DECODED.contains(r.metric()));
            sb.append("\n## ").append(e.getKey()).append("\n\n").append(NOTES.getOrDefault(e.getKey(), "")).append("\n\n")
                    .append(decoded ? "| model | ours (test, greedy) | beam | paper | target | command | wall time | target tokens/s |\n"
                            : "| model | ours (test ppl) | valid ppl | paper | target | command | wall time | tokens/s |\n")
                    .append("|---|---|---|---|---|---|---|---|\n");
            for (Row r : e.getValue()) {
                Path p = resultsDir.resolve(e.getKey()).resolve(r.id() + ".json");
                if (!Files.isRegularFile(p)) {
                    sb.append(String.format("| %s | not run yet | | %s | %s | `./zoo train %s` | | |%n", r.label(), r.paper(), r.target(),
                            String.join(" ", r.args())));
                    continue;
                }
                Map<String, Object> m = ReproduceCommand.readJson(p);
                if (decoded) {
                    Object rate = m.get("target_tokens_per_s");
                    sb.append(String.format("| %s | %s | %s | %s | %s | `%s` | %s | %s |%n", r.label(), decodedCell(m, r.metric(), "test_"),
                            decodedCell(m, r.metric(), "test_beam_"), r.paper(), r.target(), m.get("command"), minutes(m.get("wall_seconds")),
                            rate instanceof Number n ? String.format("%,.0f", n.doubleValue()) : "-"));
                    continue;
                }
                String ours = fmt(m.get(r.metric()));
                if (m.get("mixture_test_ppl") != null) ours += " (mixture " + fmt(m.get("mixture_test_ppl")) + ")";
                if (m.get("note") != null) ours += " — " + m.get("note");
                sb.append(String.format("| %s | %s | %s | %s | %s | `%s` | %s | %s |%n", r.label(), ours, fmt(m.get("valid_ppl")),
                        r.paper(), r.target(), m.get("command"), minutes(m.get("wall_seconds")),
                        m.get("tokens_per_s") == null ? "-" : String.format("%,.0f", ((Number) m.get("tokens_per_s")).doubleValue())));
            }
            // What a table row cannot say (diagnoses, peer runs) lives beside the rows, written by hand.
            Path notes = resultsDir.resolve(e.getKey()).resolve("notes.md");
            if (Files.isRegularFile(notes)) {
                try {
                    sb.append('\n').append(Files.readString(notes).strip()).append('\n');
                } catch (java.io.IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                }
            }
        }
        return sb.toString();
    }

    /** The metrics of a decoding task's rows: word error rate (with the token error rate beside it) or BLEU. */
    private static final List<String> DECODED = List.of("test_wer", "test_bleu");

    /** "WER 23.80 / PER 5.61" (error rates in %) or "BLEU 31.20", from the result's {@code prefix}wer/ter/bleu. */
    private static String decodedCell(Map<String, Object> m, String metric, String prefix) {
        if (metric.equals("test_bleu")) return m.get(prefix + "bleu") instanceof Number b ? String.format("BLEU %.2f", b.doubleValue()) : "-";
        if (!(m.get(prefix + "wer") instanceof Number w) || !(m.get(prefix + "ter") instanceof Number t)) return "-";
        return String.format("WER %.2f / PER %.2f", 100 * w.doubleValue(), 100 * t.doubleValue());
    }

    private static String fmt(Object x) { return x instanceof Number n ? String.format("%.2f", n.doubleValue()) : "-"; }

    private static String minutes(Object s) {
        return s instanceof Number n ? String.format("%.1f min", n.doubleValue() / 60) : "-";
    }
}
