package org.rnnzoo.cli;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.data.Vocabularies;
import org.rnnzoo.datasets.DatasetStore;
import org.rnnzoo.models.ModelCard;
import org.rnnzoo.models.ModelRegistry;
import org.rnnzoo.train.Checkpoint;
import org.rnnzoo.train.GradientFlow;
import org.rnnzoo.train.LanguageModelTask;
import org.rnnzoo.train.ModelStore;
import org.rnnzoo.train.Task;
import org.rnnzoo.train.Tasks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "gradients", mixinStandardHelpOptions = true,
        description = "Measure how far back the last step's loss reaches: ||dL_T/dx_t|| at every recurrent layer's input for every earlier step t, "
                + "for fresh models (by name) and trained checkpoints (and a fresh copy of each); writes gradients.json and a log-scale gradients.png.")
final class GradientsCommand implements Runnable {
    @Parameters(paramLabel = "NAME|CHECKPOINT", arity = "1..*", description = "zoo language models by name, checkpoints, or trained models MODEL:DATASET")
    List<String> models;

    @Option(names = "--dataset", description = "the text the windows come from (default: each card's dataset)")
    String dataset;

    @Option(names = "--steps", description = "window length T: distances 0 .. T-1 (default: ${DEFAULT-VALUE})")
    int steps = 50;

    @Option(names = "--batches", description = "random windows batches to average over (default: ${DEFAULT-VALUE})")
    int batches = 10;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a card value of the models given by name")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "where gradients.json and gradients.png go")
    Path out;

    @Option(names = "--mirror", paramLabel = "DIR")
    Path mirror;

    @Override
    public void run() {
        if (steps < 2) throw new ZooException("bad value for --steps: " + steps + " (expected at least 2)");
        if (batches < 1) throw new ZooException("bad value for --batches: " + batches + " (expected at least 1)");
        DatasetStore store = mirror != null ? new DatasetStore().withMirror(mirror) : new DatasetStore();
        List<GradientFlow.Curves> curves = new ArrayList<>();
        for (String arg : models) {
            boolean checkpoint = arg.endsWith(".zip") || ModelStore.isName(arg) || Files.exists(Path.of(arg));
            Checkpoint c = checkpoint ? Checkpoint.load(CheckpointArgument.resolve(arg)) : null;
            ModelCard card = c != null ? c.card() : ModelRegistry.card(arg).withAll(overrides);
            if (dataset != null) card = card.with("dataset", dataset);
            if (!card.task().equals(LanguageModelTask.KIND))
                throw new ZooException("zoo gradients measures language models; " + arg + " is a " + card.task() + " model");
            LanguageModelTask task = (LanguageModelTask) Tasks.create(card, store, c != null ? c.vocabularies() : null);
            int[] ids = task.ids("train");
            int batch = card.getInt("batch");
            String on = String.valueOf(task.provenance().get("dataset"));
            System.out.printf("%s on %s: %d batches of %d windows of %d steps%n", card.name(), on, batches, batch, steps);
            ComputationGraph fresh = ModelRegistry.build(card, task.vocabularies().size(Vocabularies.TOKENS));
            curves.add(report(new GradientFlow.Curves(card.name(), "fresh", arg, on,
                    GradientFlow.measure(fresh, ids, steps, batches, batch, card.getLong("seed")))));
            if (c != null) curves.add(report(new GradientFlow.Curves(card.name(), "trained", arg, on,
                    GradientFlow.measure(c.net(), ids, steps, batches, batch, card.getLong("seed")))));
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("steps", steps);
        settings.put("batches", batches);
        GradientFlow.write(out, settings, curves);
        System.out.println("wrote " + out.resolve("gradients.json") + " and " + out.resolve("gradients.png"));
    }

    private static GradientFlow.Curves report(GradientFlow.Curves c) {
        c.norms().forEach((layer, n) -> {
            StringBuilder s = new StringBuilder(String.format("  %s %s %s: |dL/dx| at distance 0 %.3g", c.model(), c.state(), layer, n[0]));
            for (int d : new int[]{5, 10, 20, 50}) if (d < n.length) s.append(String.format(", %d: %.3g (x%.2g)", d, n[d], n[d] / n[0]));
            System.out.println(s);
        });
        return c;
    }
}
