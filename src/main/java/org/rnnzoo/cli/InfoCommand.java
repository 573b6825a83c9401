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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "info", mixinStandardHelpOptions = true, description = "Print a model card, its ComputationGraph summary and parameter count (or a checkpoint's provenance).")
final class InfoCommand implements Runnable {
    @Parameters(paramLabel = "NAME|CHECKPOINT", description = "zoo model name, a checkpoint .zip, or a trained model's name MODEL:DATASET")
    String name;

    @Option(names = "--preset", description = "apply a named recipe from the card's presets (e.g. zaremba-small)")
    String preset;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a card value")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--vocab", description = "token vocabulary size to build the graph with (default: the built-in corpus's, or 10000)")
    Integer vocab;

    @Override
    public void run() {
        if (name.endsWith(".zip") || ModelStore.isName(name) || java.nio.file.Files.exists(java.nio.file.Path.of(name))) {
            Checkpoint c = Checkpoint.load(CheckpointArgument.resolve(name));
            System.out.println("# checkpoint " + name);
            c.describe().forEach(System.out::println);
            System.out.print(c.card().toYaml());
            System.out.println(c.net().summary());
            System.out.printf("parameters: %,d%n", c.net().params().length());
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
        // a built-in corpus is generated in a moment, so its real vocabulary sizes are shown; a
        // downloaded dataset is not loaded just for this (--vocab sets the token vocabularies' size)
        Map<String, Integer> sizes;
        if (vocab == null && Corpora.isBuiltIn(card.getString("dataset"))) {
            sizes = Zoo.task(card, null).vocabularies().sizes();
        } else {
            sizes = new LinkedHashMap<>();
            int v = vocab != null ? vocab : 10000;
            for (String n : List.of("tokens", "source", "target")) sizes.put(n, v);
            sizes.put("labels", 2);
        }
        System.out.print(card.toYaml());
        ComputationGraph net = ModelRegistry.build(card, sizes);
        System.out.println(net.summary());
        sizes.keySet().retainAll(net.getConfiguration().getNetworkInputs().size() > 1 ? List.of("source", "target")
                : card.task().endsWith("language-model") ? List.of("tokens") : List.of("tokens", "labels"));
        System.out.printf("parameters: %,d (vocabulary sizes %s)%n", net.params().length(), sizes);
    }
}
