package org.rnnzoo.cli;

import org.rnnzoo.common.ZooException;
import org.rnnzoo.data.Vocabularies;
import org.rnnzoo.datasets.DatasetStore;
import org.rnnzoo.models.ModelCard;
import org.rnnzoo.models.ModelRegistry;
import org.rnnzoo.train.ExplodingGradients;
import org.rnnzoo.train.LanguageModelTask;
import org.rnnzoo.train.Tasks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "clipping", mixinStandardHelpOptions = true,
        description = "Exploding gradients and clipping: train a vanilla RNN whose recurrent matrix starts with spectral radius > 1, "
                + "from the same weights without and with global-norm clipping; writes clipping.json and clipping.png "
                + "(loss and gradient norm per step).")
final class ClippingCommand implements Runnable {
    @Parameters(paramLabel = "NAME", arity = "0..1", description = "a zoo language model with vanilla RNN layers (default: ${DEFAULT-VALUE})")
    String name = "rnn-lm";

    @Option(names = "--dataset", description = "the training text (default: ${DEFAULT-VALUE})")
    String dataset = "ptb";

    @Option(names = "--radius", description = "spectral radius of the initial recurrent matrix (default: ${DEFAULT-VALUE})")
    double radius = 1.5;

    @Option(names = "--clip", description = "max global gradient norm of the clipped run (default: ${DEFAULT-VALUE})")
    double clip = 1.0;

    @Option(names = "--steps", description = "training steps (TBPTT segments) per run (default: ${DEFAULT-VALUE})")
    int steps = 300;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a card value (default recipe: SGD at lr 1, width 128, batch 32, bptt 35)")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "where clipping.json and clipping.png go")
    Path out;

    @Option(names = "--mirror", paramLabel = "DIR")
    Path mirror;

    @Override
    public void run() {
        if (steps < 1) throw new ZooException("bad value for --steps: " + steps + " (expected at least 1)");
        if (!(radius > 0) || Double.isInfinite(radius)) throw new ZooException("bad value for --radius: " + radius + " (expected a positive number)");
        if (!(clip > 0) || Double.isInfinite(clip)) throw new ZooException("bad value for --clip: " + clip + " (expected a positive number)");
        List<String> recipe = new ArrayList<>(List.of("optimizer=sgd", "lr=1.0", "embedding=128", "hidden=128", "dropout=0.0",
                "batch=32", "bptt=35"));
        if (!ModelRegistry.card(name).task().equals(LanguageModelTask.KIND))
            throw new ZooException("zoo clipping trains language models; " + name + " is a " + ModelRegistry.card(name).task() + " model");
        // the stacks (residual-lm, ...) choose their cell; rnn-lm's cell key picks an implementation instead
        if ("lstm".equals(ModelRegistry.card(name).getString("cell"))) recipe.add("cell=rnn");
        recipe.addAll(overrides);
        ModelCard card = ModelRegistry.card(name).withAll(recipe).with("dataset", dataset);
        DatasetStore store = mirror != null ? new DatasetStore().withMirror(mirror) : new DatasetStore();
        LanguageModelTask task = (LanguageModelTask) Tasks.create(card, store, null);
        int vocab = task.vocabularies().size(Vocabularies.TOKENS);
        int[] ids = task.ids("train");
        long seed = card.getLong("seed");
        System.out.printf("%s on %s: spectral radius %.2f, %s at lr %s, %d steps of %d x %d tokens%n", name, dataset, radius,
                card.getString("optimizer"), card.getDouble("lr"), steps, card.getInt("batch"), card.getInt("bptt"));
        List<ExplodingGradients.Run> runs = new ArrayList<>();
        for (double c : new double[]{0, clip}) {
            String label = c == 0 ? "no clipping" : String.format("global-norm clipping at %s", trim(c));
            ExplodingGradients.Run r = ExplodingGradients.train(label, () -> ModelRegistry.build(card, vocab), radius, seed, ids,
                    card.getInt("batch"), card.getInt("bptt"), steps, c);
            runs.add(r);
            double maxNorm = r.gradNorm().stream().filter(Double::isFinite).mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
            System.out.printf("  %-32s %s; largest gradient norm %.3g; loss at step 1 %.3f, last finite %.3f%n", label,
                    r.divergedAt() == null ? "finished " + steps + " steps" : "diverged at step " + r.divergedAt() + " (" + r.divergence() + ")",
                    maxNorm, r.loss().get(0), lastFinite(r.loss()));
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("model", name);
        settings.put("dataset", dataset);
        settings.put("spectral_radius", radius);
        settings.put("steps", steps);
        settings.put("uniform_loss", Math.log(vocab));
        settings.put("card_overrides", recipe);
        settings.put("command", "./zoo clipping " + name + " --dataset " + dataset + " --radius " + trim(radius) + " --clip " + trim(clip)
                + " --steps " + steps + (overrides.isEmpty() ? "" : " --set " + String.join(" --set ", overrides)) + " --out DIR");
        ExplodingGradients.write(out, settings, runs);
        System.out.println("wrote " + out.resolve("clipping.json") + " and " + out.resolve("clipping.png"));
    }

    private static String trim(double x) { return x == Math.rint(x) ? String.valueOf((long) x) : String.valueOf(x); }

    private static double lastFinite(List<Double> xs) {
        for (int i = xs.size() - 1; i >= 0; i--) if (Double.isFinite(xs.get(i))) return xs.get(i);
        return Double.NaN;
    }
}
