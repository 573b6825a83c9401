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

    /** A row whose args start with this runs {@code zoo eval} on trained models of earlier rows instead of training. */
    static final String EVAL = "eval";

    static boolean isEval(Row row) { return row.args().get(0).equals(EVAL); }

    /** The command a row documents: {@code ./zoo train ARGS}, or {@code ./zoo eval ARGS --split test}. */
    static String command(Row row) {
        return "./zoo " + (isEval(row) ? "" : "train ") + String.join(" ", row.args()) + (isEval(row) ? " --split test" : "");
    }

    /** Row ids {@code NAME-foldK} are one fold of a cross-validation: the table adds their mean ± std. */
    static final String FOLD = "-fold";

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
            "sentiment", "Test accuracy (%) of each model beside its one-direction twin, same recipe (`--preset DATA` on both cards: "
                    + "random 300-d embeddings, max pooling, dropout 0.5, Adam 1e-3, early stopping on dev accuracy). `-phrases` rows train "
                    + "on every labelled phrase of the SST training trees and score whole dev/test sentences, as Kim 2014 and Tai 2015 "
                    + "did (datasets/sst-trees.yaml); the plain rows train on sentences only. MR has no split: ten folds (datasets/mr.yaml), "
                    + "mean ± std under the rows. No pretrained vectors.",
            "tagging", "Brown part-of-speech tags, normalised to 104 tags (datasets/brown.yaml, view brown-pos), on the Bengio split "
                    + "moved to sentence boundaries; token accuracy (%) on test, with the most-frequent-tag baseline and the accuracy on "
                    + "words never seen in training (4.75% of test tokens) beside it. Words only: no character or suffix features.",
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
        t.put("depth", depthRows());
        t.put("shakespeare", List.of(
                new Row("lstm-char", "LSTM 2x512 (embedding 64, dropout 0.2)", List.of("lstm-lm", "--preset", "shakespeare-char"),
                        "valid_nats", "1.4697 nats (nanoGPT char transformer)", "<= 1.47 nats")));
        List<Row> sentiment = new java.util.ArrayList<>();
        for (String[] d : new String[][]{
                {"sst2-phrases", "SST-2, phrases", "Kim 2014 CNN-rand 82.7; Tai 2015 2-layer BiLSTM (GloVe) 87.2", ">= 83.0"},
                {"sst2", "SST-2, sentences only", "-", "report (what the phrases are worth)"},
                {"sst5-phrases", "SST-5, phrases", "Kim 2014 CNN-rand 45.0; Tai 2015 2-layer BiLSTM (GloVe) 48.5", ">= 45.0"},
                {"sst5", "SST-5, sentences only", "-", "report (what the phrases are worth)"}})
            for (boolean bi : new boolean[]{false, true})
                sentiment.add(new Row((bi ? "bi-" : "uni-") + d[0], (bi ? "BiLSTM, " : "LSTM, ") + d[1],
                        List.of(bi ? "birnn-sentiment" : "rnn-sentiment", "--preset", d[0]), "test_accuracy", d[2], bi ? d[3] : "report (bi's twin)"));
        for (boolean bi : new boolean[]{false, true})
            for (int k = 0; k < 10; k++)
                sentiment.add(new Row((bi ? "bi-" : "uni-") + "mr" + FOLD + k, (bi ? "BiLSTM" : "LSTM") + ", MR fold " + k,
                        List.of(bi ? "birnn-sentiment" : "rnn-sentiment", "--preset", "mr", "--set", "fold=" + k), "test_accuracy",
                        "Kim 2014 CNN-rand 76.1; NBSVM 79.4 (10-fold means)", bi ? "mean >= 76.5" : "report (bi's twin)"));
        t.put("sentiment", List.copyOf(sentiment));
        t.put("tagging", List.of(
                new Row("uni-brown-pos", "LSTM tagger", List.of("rnn-tagger", "--preset", "brown-pos"), "test_accuracy",
                        "most-frequent-tag baseline 88.20", "report (bi's twin)"),
                new Row("bi-brown-pos", "BiLSTM tagger", List.of("birnn-tagger", "--preset", "brown-pos"), "test_accuracy",
                        "most-frequent-tag baseline 88.20", ">= 95.0 and >= 1 point above the LSTM tagger")));
        String g2pPaper = "bi-LSTM 23.55 / 5.45 (Yao & Zweig 2015); Sequitur ~24.4 WER";
        t.put("cmudict-g2p", List.of(
                new Row("g2p-none", "G2P, no attention", List.of("seq2seq", "--preset", "g2p"), "test_wer", g2pPaper,
                        "worse than attention"),
                // the wiring of the bottleneck: the decoder starts from the encoder's summary instead of reading it at every step
                new Row("g2p-none-state", "G2P, no attention, decoder started from the summary", List.of("seq2seq", "--preset", "g2p",
                        "--set", "bridge=state"), "test_wer", g2pPaper, "worse than attention"),
                new Row("g2p-dot", "G2P, attention: dot", List.of("seq2seq-attention", "--preset", "g2p", "--set", "score=dot"), "test_wer",
                        g2pPaper, "<= 24.0 WER with beam; beam better than greedy"),
                new Row("g2p-general", "G2P, attention: general", List.of("seq2seq-attention", "--preset", "g2p", "--set", "score=general"),
                        "test_wer", g2pPaper, "<= 24.0 WER with beam; beam better than greedy"),
                new Row("g2p-additive", "G2P, attention: additive", List.of("seq2seq-attention", "--preset", "g2p", "--set", "score=additive"),
                        "test_wer", g2pPaper, "<= 24.0 WER with beam; beam better than greedy"),
                // the same model given more room: concatenated directions, scaled scores, dropout, 16 epochs
                new Row("g2p-long", "G2P, attention: general, concat, scores / sqrt(512), dropout 0.2, 16 epochs",
                        List.of("seq2seq-attention", "--preset", "g2p-long"), "test_wer", g2pPaper,
                        "<= 24.0 WER with beam; beam better than greedy"),
                // g2p-long with two LSTM layers per encoder direction and in the decoder
                new Row("g2p-deep", "G2P, attention: as g2p-long, two layers",
                        List.of("seq2seq-attention", "--preset", "g2p-deep"), "test_wer", g2pPaper,
                        "<= 24.0 WER with beam; beam better than greedy"),
                // two rows' trained models decoded as one (their per-step log-probabilities averaged): run those rows first
                new Row("g2p-ensemble", "G2P, attention: ensemble of g2p-deep and g2p-additive",
                        List.of(EVAL, "seq2seq-attention:cmudict-g2p/g2p-deep", "--ensemble", "seq2seq-attention:cmudict-g2p/g2p-additive"),
                        "test_wer", g2pPaper, "<= 24.0 WER with beam; beam better than greedy"),
                new Row("g2p-ensemble3", "G2P, attention: ensemble of g2p-deep, g2p-additive and g2p-dot",
                        List.of(EVAL, "seq2seq-attention:cmudict-g2p/g2p-deep", "--ensemble", "seq2seq-attention:cmudict-g2p/g2p-additive",
                                "--ensemble", "seq2seq-attention:cmudict-g2p/g2p-dot"),
                        "test_wer", g2pPaper, "<= 24.0 WER with beam; beam better than greedy")));
        t.put("eng-fra", List.of(
                new Row("fra-none", "eng-fra, no attention", List.of("seq2seq", "--preset", "eng-fra"), "test_bleu", "-", "report"),
                new Row("fra-dot", "eng-fra, attention: dot", List.of("seq2seq-attention", "--preset", "eng-fra", "--set", "score=dot"),
                        "test_bleu", "-", ">= no attention + 5 BLEU"),
                new Row("fra-general", "eng-fra, attention: general",
                        List.of("seq2seq-attention", "--preset", "eng-fra", "--set", "score=general"), "test_bleu", "-", ">= no attention + 5 BLEU"),
                // Luong's general score saturates on this task; divided by sqrt(width) it learns an alignment (docs/results/eng-fra/notes.md)
                new Row("fra-general-sqrt", "eng-fra, attention: general, scores / sqrt(256)",
                        List.of("seq2seq-attention", "--preset", "eng-fra", "--set", "score=general", "--set", "scale=sqrt"), "test_bleu", "-",
                        ">= no attention + 5 BLEU"),
                new Row("fra-additive", "eng-fra, attention: additive",
                        List.of("seq2seq-attention", "--preset", "eng-fra", "--set", "score=additive"), "test_bleu", "-", ">= no attention + 5 BLEU")));
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
     * {@code MODEL:DATASET/ROW} always, and {@code MODEL:DATASET} too for the model's last row on that dataset in the table
     * (rows run from the baseline recipe to the headline one), DATASET being what the row trains on (the ptb and brown
     * tables are named after theirs; the sentiment table's rows train on several). Count models write an ARPA file,
     * not a checkpoint: no names.
     */
    static List<String> trainedModelNames(String table, Row row) {
        if (isEval(row)) return List.of();   // it scores models of other rows and trains none
        String model = row.args().get(0);
        if (Zoo.card(model).task().equals("count-language-model")) return List.of();
        // a study's rows are variations, not the model's recipe for its dataset: they never take the short MODEL:DATASET name
        if (table.equals("depth")) return List.of(model + ":depth/" + row.id());
        String dataset = dataset(row);
        Row last = all().get(table).stream().filter(r -> r.args().get(0).equals(model) && dataset(r).equals(dataset))
                .reduce((a, b) -> b).orElseThrow();
        String name = model + ":" + dataset;
        return last.id().equals(row.id()) ? List.of(name + "/" + row.id(), name) : List.of(name + "/" + row.id());
    }

    /** The dataset a row trains on: its card's, after the row's --preset, --dataset and --set. */
    static String dataset(Row row) {
        if (isEval(row)) {   // the dataset of the first trained model it scores, MODEL:DATASET[/ROW]
            String name = row.args().get(1);
            return name.substring(name.indexOf(':') + 1).replaceFirst("/.*", "");
        }
        org.rnnzoo.models.ModelCard card = Zoo.card(row.args().get(0));
        for (int i = 1; i + 1 < row.args().size(); i += 2) {
            String flag = row.args().get(i), value = row.args().get(i + 1);
            if (flag.equals("--preset")) card = card.withPreset(value);
            if (flag.equals("--dataset")) card = card.with("dataset", value);
            if (flag.equals("--set")) card = card.withAll(List.of(value));
        }
        return card.getString("dataset");
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
            // a table's columns speak its rows' metric: perplexity (or nats) for language models, accuracy (%) for classifiers and
            // taggers, error rates or BLEU from greedy and beam decoding for seq2seq
            String metric = e.getValue().get(0).metric().replaceFirst("^test_", "");
            boolean ppl = metric.equals("ppl") || metric.endsWith("_nats");
            boolean decoded = e.getValue().stream().allMatch(r -> DECODED.contains(r.metric()));
            sb.append("\n## ").append(e.getKey()).append("\n\n").append(NOTES.getOrDefault(e.getKey(), "")).append("\n\n");
            if (e.getKey().equals("depth")) {
                depthMarkdown(sb, e.getValue(), resultsDir.resolve("depth"));
                appendNotes(sb, resultsDir.resolve(e.getKey()));
                continue;
            }
            sb.append(decoded ? "| model | ours (test, greedy) | beam | paper | target | command | wall time | target tokens/s |\n"
                    : ppl ? "| model | ours (" + metricName(e.getValue().get(0).metric()) + ") | valid ppl | paper | target | command | wall time | tokens/s |\n"
                    : "| model | ours (test " + metric + ", %) | valid " + metric + " | paper | target | command | wall time | training speed |\n")
                    .append("|---|---|---|---|---|---|---|---|\n");
            Map<String, List<Double>> folds = new LinkedHashMap<>();
            for (Row r : e.getValue()) {
                Path p = resultsDir.resolve(e.getKey()).resolve(r.id() + ".json");
                if (!Files.isRegularFile(p)) {
                    sb.append(String.format("| %s | not run yet | | %s | %s | `%s` | | |%n", r.label(), r.paper(), r.target(), command(r)));
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
                double scale = ppl ? 1 : 100;
                String ours = fmt(value(m, r.metric()), scale);
                if (m.get("mixture_test_ppl") != null) ours += " (mixture " + fmt(m.get("mixture_test_ppl")) + ")";
                if (m.get("test_baseline_accuracy") != null)
                    ours += " (baseline " + fmt(m.get("test_baseline_accuracy"), 100) + "; unseen words " + fmt(m.get("test_unknown_accuracy"), 100)
                            + ", baseline " + fmt(m.get("test_baseline_unknown_accuracy"), 100) + ")";
                if (m.get("note") != null) ours += " — " + m.get("note");
                String rateKey = ppl ? "tokens_per_s" : m.keySet().stream().filter(k -> k.endsWith("_per_s")).findFirst().orElse("");
                Object speed = m.get(rateKey);
                sb.append(String.format("| %s | %s | %s | %s | %s | `%s` | %s | %s |%n", r.label(), ours, fmt(m.get(ppl ? "valid_ppl" : "valid_" + metric), scale),
                        r.paper(), r.target(), m.get("command"), minutes(m.get("wall_seconds")),
                        speed == null ? "-" : String.format("%,.0f", ((Number) speed).doubleValue())
                                + (ppl ? "" : " " + rateKey.replace("_per_s", "").replace('_', ' ') + "/s")));
                int fold = r.id().lastIndexOf(FOLD);
                if (fold > 0 && m.get(r.metric()) instanceof Number x) folds.computeIfAbsent(r.id().substring(0, fold), k -> new java.util.ArrayList<>())
                        .add(x.doubleValue() * scale);
            }
            if (!folds.isEmpty()) sb.append('\n');
            folds.forEach((group, xs) -> sb.append(String.format("- %s: mean %.2f ± %.2f (sample std) over %d fold%s run%n", group,
                    mean(xs), std(xs), xs.size(), xs.size() == 1 ? "" : "s")));
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

    private static String fmt(Object x) { return fmt(x, 1); }

    private static String fmt(Object x, double scale) {
        return x instanceof Number n && Double.isFinite(n.doubleValue()) ? String.format("%.2f", scale * n.doubleValue()) : "-";
    }

    static double mean(List<Double> xs) { return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN); }

    /** The sample standard deviation (n - 1); 0 for one value. */
    static double std(List<Double> xs) {
        if (xs.size() < 2) return 0;
        double m = mean(xs), ss = 0;
        for (double x : xs) ss += (x - m) * (x - m);
        return Math.sqrt(ss / (xs.size() - 1));
    }

    /** The metrics of a decoding task's rows: word error rate (with the token error rate beside it) or BLEU. */
    private static final List<String> DECODED = List.of("test_wer", "test_bleu");

    /** "WER 23.80 / PER 5.61" (error rates in %) or "BLEU 31.20", from the result's {@code prefix}wer/ter/bleu. */
    private static String decodedCell(Map<String, Object> m, String metric, String prefix) {
        if (metric.equals("test_bleu")) return m.get(prefix + "bleu") instanceof Number b ? String.format("BLEU %.2f", b.doubleValue()) : "-";
        if (!(m.get(prefix + "wer") instanceof Number w) || !(m.get(prefix + "ter") instanceof Number t)) return "-";
        return String.format("WER %.2f / PER %.2f", 100 * w.doubleValue(), 100 * t.doubleValue());
    }


    private static String minutes(Object s) {
        return s instanceof Number n ? String.format("%.1f min", n.doubleValue() / 60) : "-";
    }
}
