package org.rnnzoo.cli;

import org.rnnzoo.Zoo;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.datasets.DatasetStore;
import org.rnnzoo.models.ModelCard;
import org.rnnzoo.train.CurvePlot;
import org.rnnzoo.train.ModelStore;
import org.rnnzoo.train.RunDirectory;
import org.rnnzoo.ui.TrainingUi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a zoo model; prints perplexity per epoch and on test at the end.")
final class TrainCommand implements Runnable {
    @Parameters(paramLabel = "MODEL", description = "zoo model name (see: zoo list)")
    String model;

    @Option(names = "--preset", description = "apply a named recipe from the card's presets (e.g. zaremba-small)")
    String preset;

    @Option(names = "--dataset", description = "dataset name (zoo data list), 'grammar' (built-in) or text:PATH; default: the card's")
    String dataset;

    @Option(names = "--text", paramLabel = "PATH", description = "train on any UTF-8 text file (same as --dataset text:PATH)")
    Path text;

    @Option(names = "--level", description = "word or char (for --text)")
    String level;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a card value, e.g. --set hidden=650")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--run-dir", paramLabel = "DIR", description = "where metrics, checkpoints and result.json go (default: runs/MODEL-DATA-TIME)")
    Path runDir;

    @Option(names = "--resume", paramLabel = "RUN_DIR", description = "continue a run from its last checkpoint")
    Path resume;

    @Option(names = "--force", description = "start over in a --run-dir that holds a run: deletes the files a run writes there "
            + "(run.json, metrics.jsonl, result.json, curve.png, model.arpa, ui-stats.bin, checkpoints/) and leaves any other file alone. "
            + "Not needed for a run that stopped before its first checkpoint: that one starts again by itself")
    boolean force;

    @Option(names = "--register", paramLabel = "MODEL:DATASET", description = "also keep the best checkpoint in $ZOO_HOME/models "
            + "under this name, for zoo eval / sample / info NAME (see: zoo models)")
    String register;

    @Option(names = "--mirror", paramLabel = "DIR", description = "local dataset mirror laid out <dataset>/<file> (or ZOO_DATA_MIRROR)")
    Path mirror;

    @Option(names = "--vectors", paramLabel = "PATH", description = "initialise the word embedding from a GloVe / word2vec text file "
            + "(word then numbers per line; word2vec's 'N DIM' header is skipped); its width must be the card's embedding")
    Path vectors;

    @Option(names = "--no-progress", description = "no progress bar (a line every 30 s instead)")
    boolean noProgress;

    @Option(names = "--spark", paramLabel = "MASTER", description = "train on Spark: local[N], spark://HOST:PORT (a standalone master), "
            + "or under spark-submit its --master; the card's spark_training picks parameter averaging or gradient sharing (docs/spark.md)")
    String spark;

    @Option(names = "--ui", description = "serve DL4J's training UI while training (stats kept in RUN_DIR/ui-stats.bin; reopen with zoo ui RUN_DIR)")
    boolean ui;

    @Option(names = "--ui-port", paramLabel = "N", description = "the training UI's port (default: ${DEFAULT-VALUE})")
    int uiPort = TrainingUi.DEFAULT_PORT;

    @Override
    public void run() {
        DatasetStore store = mirror != null ? new DatasetStore().withMirror(mirror) : new DatasetStore();
        boolean bar = !noProgress && System.console() != null;
        Zoo.TrainedModel m;
        Path dir = resume;
        if (register != null) ModelStore.checkName(register);
        if (uiPort < 1 || uiPort > 65535) throw new ZooException("bad value for --ui-port: " + uiPort + " (1 to 65535)");
        Zoo.Where where = new Zoo.Where(spark, ui ? uiPort : null);
        if (resume != null) {
            if (force) throw new ZooException("give either --resume or --force, not both");
            if (vectors != null) throw new ZooException("--vectors initialises a new run; a resumed run keeps its trained embedding (drop --vectors)");
            m = Zoo.resume(resume, System.out, bar, store, where);
        } else {
            ModelCard card = Zoo.card(model);
            if (preset != null) card = card.withPreset(preset);
            if (text != null && dataset != null) throw new ZooException("give either --text or --dataset, not both");
            if (text != null) card = card.with("dataset", "text:" + text);
            if (dataset != null) card = card.with("dataset", dataset);
            if (level != null) {
                if (!level.equals("word") && !level.equals("char")) throw new ZooException("bad value for --level: '" + level + "' (expected word or char)");
                card = card.with("level", level);
            }
            card = card.withAll(overrides);
            dir = runDir != null ? runDir : Path.of("runs", model + "-" + shortName(card.getString("dataset")) + "-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            if (register != null && card.task().equals("count-language-model"))
                throw new ZooException("--register keeps a checkpoint, and " + card.name() + " writes an ARPA file instead");
            startOver(new RunDirectory(dir));
            m = Zoo.train(card, dir, System.out, bar, store, where, vectors);
        }
        printSummary(m.result());
        if (register != null) {
            Map<String, Object> r = m.result(), provenance = ModelStore.provenanceOf(r);
            provenance.put("run", dir.toString());
            ModelStore models = new ModelStore();
            models.register(List.of(register), Path.of((String) r.get("checkpoint")), provenance);
            System.out.println("registered " + register + " in " + models.dir());
        }
    }

    /** Refuses a directory that holds a run, unless --force; one that stopped before its first checkpoint starts again. */
    private void startOver(RunDirectory run) {
        List<String> foreign = run.runFilesWithoutRun();
        if (!foreign.isEmpty())   // e.g. a user's own metrics.jsonl: not ours to append to or delete, not even with --force
            throw new ZooException(run.path() + " is not a run directory (no run.json) but holds " + String.join(", ", foreign)
                    + ", a name a run writes; move it away or pick another --run-dir");
        if (!run.holdsRun()) return;
        if (run.stoppedBeforeFirstCheckpoint()) {
            System.out.println("note: " + run.path() + " holds a run that stopped before its first checkpoint; starting it again");
        } else if (!force) {
            throw new ZooException("run directory " + run.path() + " already holds a run; continue it with --resume " + run.path()
                    + ", start over with --force (deletes its run files), or pick another --run-dir");
        }
        run.clear();
    }

    static String shortName(String dataset) {
        return dataset.startsWith("text:") ? Path.of(dataset.substring(5)).getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_") : dataset;
    }

    private static void printSummary(Map<String, Object> r) {
        String metric = (String) r.getOrDefault("metric", "ppl");
        String name = CurvePlot.name(metric);
        System.out.printf("%nvalid %s %.3f   test %s %.3f", name, (Double) r.get("valid_" + metric), name, (Double) r.get("test_" + metric));
        if (r.get("test_macro_f1") instanceof Double f1) System.out.printf("   test macro-F1 %.3f", f1);
        if (r.get("test_baseline_accuracy") instanceof Double b) System.out.printf("   most-frequent-tag baseline %.3f", b);
        if (r.get("test_unknown_accuracy") instanceof Double u && Double.isFinite(u))
            System.out.printf("   unknown words %.3f (baseline %.3f)", u, (Double) r.get("test_baseline_unknown_accuracy"));
        if (r.get("optimal_test_ppl") instanceof Double opt) {
            System.out.printf("   optimal (Bayes) test perplexity %.3f   gap %+.1f%%", opt, 100 * ((Double) r.get("test_ppl") / opt - 1));
        }
        System.out.println();
        String rate = r.keySet().stream().filter(k -> k.endsWith("_per_s")).findFirst().orElse(null);
        if (rate != null)
            System.out.printf("%.0f %s/s, %.1f s training; best checkpoint %s%n", (Double) r.get(rate),
                    rate.substring(0, rate.length() - "_per_s".length()).replace('_', ' '), (Double) r.get("train_seconds"), r.get("checkpoint"));
        else
            System.out.printf("counted in %.1f s; ARPA model %s%n", (Double) r.get("train_seconds"), r.get("arpa"));
    }
}
