package org.rnnzoo.cli;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.rnnzoo.Zoo;
import org.rnnzoo.data.Corpora;
import org.rnnzoo.models.ModelCard;
import org.rnnzoo.models.ModelRegistry;
import org.rnnzoo.train.Checkpoint;
import org.rnnzoo.train.ModelStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

@Command(name = "info", mixinStandardHelpOptions = true, description = "Print a model card, its ComputationGraph summary and parameter count (or a checkpoint's provenance).")
final class InfoCommand implements Runnable {
    @Parameters(paramLabel = "NAME|CHECKPOINT", description = "zoo model name, a checkpoint .zip, or a trained model's name MODEL:DATASET")
    String name;

    @Option(names = "--preset", description = "apply a named recipe from the card's presets (e.g. zaremba-small)")
    String preset;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a card value")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--vocab", description = "vocabulary size to build the graph with (default: the built-in grammar's, or 10000)")
    Integer vocab;

    @Override
    public void run() {
        if (name.endsWith(".zip") || ModelStore.isName(name)) {
            Checkpoint c = Checkpoint.load(CheckpointArgument.resolve(name));
            System.out.println("# checkpoint " + name);
            c.describe().forEach(System.out::println);
            System.out.print(c.card().toYaml());
            System.out.println(c.net().summary());
            System.out.printf("parameters: %,d%n", c.net().numParams());
            return;
        }
        ModelCard card = Zoo.card(name);
        if (preset != null) card = card.withPreset(preset);
        card = card.withAll(overrides);
        if (card.task().equals("count-language-model")) {
            System.out.print(card.toYaml());
            System.out.println("(a count model: no ComputationGraph; `zoo train " + name + "` counts and writes an ARPA file)");
            return;
        }
        int v = vocab != null ? vocab : card.getString("dataset").equals(Corpora.GRAMMAR)
                ? org.rnnzoo.data.Vocabulary.build(Zoo.corpus(card, null).corpus().train(), 1, 0).size() : 10000;
        System.out.print(card.toYaml());
        ComputationGraph net = ModelRegistry.build(card, v);
        System.out.println(net.summary());
        System.out.printf("parameters: %,d (vocabulary %,d)%n", net.numParams(), v);
    }
}
