package org.rnnzoo.cli;

import org.rnnzoo.Zoo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The tables of docs/results.md: each row a documented command and the paper's figure beside it. */
final class ResultsTables {
    record Row(String id, String label, List<String> args, String metric, String paper, String target) {}

    private ResultsTables() {}

    /** What each table's rows share: the data choices the papers' numbers depend on. */
    static final Map<String, String> NOTES = Map.of(
            "depth", "Every row trains the same budget on PTB (`--preset ptb-depth`: two epochs, Adam lr 0.002, batch 32, "
                    + "BPTT 35, clip 5, embedding and every layer 128 wide, no dropout); rows differ only in the cell, the "
                    + "depth and how layers connect. Plain = `lstm-lm`/`rnn-lm` with `layers=N`; residual y = H(x) + x; "
                    + "highway y = T*H(x) + (1-T)*x with gate bias -2; dense: layer l reads the embedding and every earlier "
                    + "layer, and so does the softmax. Anchors: Wu et al. 2016 (GNMT): plain stacked LSTMs \"work well up to 4 "
                    + "layers, barely with 6 layers, and very poorly beyond 8\"; Kim et al. 2017 (residual LSTM): a 10-layer "
                    + "residual LSTM beat plain and highway stacks; Zilly et al. 2017 (recurrent highway networks): PTB perplexity "
                    + "from 90.6 to 65.4 as transition depth goes 1 -> 10 (their budgets are hundreds of epochs with dropout, "
                    + "ours two epochs without, so compare the orderings, not the numbers).",
            "shakespeare", "Character level, nanoGPT's split (train 1,003,854 / valid 111,540 characters; the dataset has "
                    + "no test part, so test = valid). Loss in nats per character = ln(valid perplexity). Anchor: nanoGPT's "
                    + "6-layer character transformer (10.7M parameters) reaches 1.4697 nats validation loss.",
            "ptb", "Mikolov's PTB as distributed (10k words, `<unk>` and `N` already in the text), one `<eos>` per line; "
                    + "every test token is a target (82,430), the first predicted from a sentence boundary.",
            "brown", "NLTK's Brown copy (1,161,192 tokens; the paper's had 1,181,041, so our test part is shorter): "
                    + "tags stripped, case and punctuation kept, one continuous word stream without sentence markers "
                    + "(as Bengio et al. 2003), words seen <= 3 times in train -> `<unk>`, first 800,000 tokens train, "
                    + "next 200,000 valid, the rest (161,192) test. Absolute perplexities are not comparable with the "
                    + "paper's; the claim to reproduce is the ordering and the margins.");

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
        t.put("depth", depthRows());
        t.put("shakespeare", List.of(
                new Row("lstm-char", "LSTM 2x512 (embedding 64, dropout 0.2)", List.of("lstm-lm", "--preset", "shakespeare-char"),
                        "valid_nats", "1.4697 nats (nanoGPT char transformer)", "<= 1.47 nats")));
        return t;
    }

    /** The depth rows: LSTM stacks of 1, 2, 4, 8 layers x four ways to connect them, and the vanilla-RNN pair at 4 and 8. */
    static final List<String> CONNECTIONS = List.of("plain", "residual", "highway", "dense");

    private static List<Row> depthRows() {
        List<Row> rows = new ArrayList<>();
        for (String connection : CONNECTIONS)
            for (int depth : new int[]{1, 2, 4, 8}) rows.add(depthRow("lstm", connection, depth));
        for (String connection : List.of("plain", "residual"))
            for (int depth : new int[]{4, 8}) rows.add(depthRow("rnn", connection, depth));
        return rows;
    }

    private static Row depthRow(String cell, String connection, int depth) {
        List<String> args = new ArrayList<>();
        if (connection.equals("plain")) args.addAll(List.of(cell + "-lm", "--preset", "ptb-depth", "--set", "layers=" + depth));
        else {
            args.addAll(List.of(connection + "-lm", "--preset", "ptb-depth"));
            if (cell.equals("rnn")) args.addAll(List.of("--set", "cell=rnn"));
            args.addAll(List.of("--set", "depth=" + depth));
        }
        String label = (cell.equals("lstm") ? "LSTM" : "vanilla RNN") + ", " + connection + ", depth " + depth;
        return new Row(cell + "-" + connection + "-" + depth, label, args, "test_ppl", "-", "-");
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
            sb.append("\n## ").append(e.getKey()).append("\n\n").append(NOTES.getOrDefault(e.getKey(), "")).append("\n\n");
            if (e.getKey().equals("depth")) {
                depthMarkdown(sb, e.getValue(), resultsDir.resolve("depth"));
                appendNotes(sb, resultsDir.resolve(e.getKey()));
                continue;
            }
            sb.append("| model | ours (").append(metricName(e.getValue().get(0).metric())).append(") | valid ppl | paper | target | command | wall time | tokens/s |\n")
                    .append("|---|---|---|---|---|---|---|---|\n");
            for (Row r : e.getValue()) {
                Path p = resultsDir.resolve(e.getKey()).resolve(r.id() + ".json");
                if (!Files.isRegularFile(p)) {
                    sb.append(String.format("| %s | not run yet | | %s | %s | `./zoo train %s` | | |%n", r.label(), r.paper(), r.target(),
                            String.join(" ", r.args())));
                    continue;
                }
                Map<String, Object> m = ReproduceCommand.readJson(p);
                String ours = fmt(value(m, r.metric()));
                if (m.get("mixture_test_ppl") != null) ours += " (mixture " + fmt(m.get("mixture_test_ppl")) + ")";
                if (m.get("note") != null) ours += " — " + m.get("note");
                sb.append(String.format("| %s | %s | %s | %s | %s | `%s` | %s | %s |%n", r.label(), ours, fmt(m.get("valid_ppl")),
                        r.paper(), r.target(), m.get("command"), minutes(m.get("wall_seconds")),
                        m.get("tokens_per_s") == null ? "-" : String.format("%,.0f", ((Number) m.get("tokens_per_s")).doubleValue())));
            }
            appendNotes(sb, resultsDir.resolve(e.getKey()));
        }
        return sb.toString();
    }

    /** What a table row cannot say (diagnoses, peer runs) lives beside the rows, written by hand. */
    private static void appendNotes(StringBuilder sb, Path tableDir) {
        Path notes = tableDir.resolve("notes.md");
        if (!Files.isRegularFile(notes)) return;
        try {
            sb.append('\n').append(Files.readString(notes).strip()).append('\n');
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    /** A row's metric from its result.json; {@code *_nats} is the log of the matching perplexity (loss per token). */
    static Object value(Map<String, Object> result, String metric) {
        if (metric.endsWith("_nats") && result.get(metric.replace("_nats", "_ppl")) instanceof Number n) return Math.log(n.doubleValue());
        return result.get(metric);
    }

    private static void depthMarkdown(StringBuilder sb, List<Row> rows, Path dir) {
        if (Files.isRegularFile(dir.resolve(DepthPlot.FILE)))
            sb.append("![test perplexity against depth](results/depth/").append(DepthPlot.FILE).append(")\n\n");
        sb.append("| cell | connection | depth | test ppl | valid ppl | parameters | tokens/s | wall time | command |\n")
                .append("|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            String[] id = r.id().split("-");
            Path p = dir.resolve(r.id() + ".json");
            Map<String, Object> m = Files.isRegularFile(p) ? ReproduceCommand.readJson(p) : Map.of();
            String test = m.isEmpty() ? "not run yet" : fmt(m.get("test_ppl"));
            if (m.get("note") != null) test += " — " + m.get("note");
            sb.append(String.format("| %s | %s | %s | %s | %s | %s | %s | %s | `./zoo train %s` |%n", id[0].equals("lstm") ? "LSTM" : "RNN",
                    id[1], id[2], test, fmt(m.get("valid_ppl")),
                    m.get("parameters") instanceof Number n ? String.format("%,d", n.longValue()) : "",
                    m.get("tokens_per_s") instanceof Number n ? String.format("%,.0f", n.doubleValue()) : "",
                    minutes(m.get("wall_seconds")).replace("-", ""), String.join(" ", r.args())));
        }
    }

    private static String metricName(String metric) {
        return metric.endsWith("_nats") ? metric.replace("_nats", "") + " loss, nats" : metric.replace("_ppl", " ppl");
    }

    private static String fmt(Object x) { return x instanceof Number n ? String.format("%.2f", n.doubleValue()) : "-"; }

    private static String minutes(Object s) {
        return s instanceof Number n ? String.format("%.1f min", n.doubleValue() / 60) : "-";
    }
}
