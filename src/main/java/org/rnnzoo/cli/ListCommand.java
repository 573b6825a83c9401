package org.rnnzoo.cli;

import org.rnnzoo.Zoo;
import org.rnnzoo.models.ModelCard;
import picocli.CommandLine.Command;

import java.util.Map;

@Command(name = "list", mixinStandardHelpOptions = true, description = "List the zoo: one row per model card.")
final class ListCommand implements Runnable {
    @Override
    public void run() {
        String fmt = "%-13s %-18s %-23s %-14s %s%n";
        System.out.printf(fmt, "NAME", "ARCHITECTURE", "TASK", "DEFAULT DATA", "REFERENCE");
        for (String name : Zoo.models()) {
            ModelCard c = Zoo.card(name);
            Map<String, Object> ref = c.reference();
            System.out.printf(fmt, name, c.architecture(), c.task(), c.get("dataset"),
                    ref.getOrDefault("metric", "") + ": " + ref.getOrDefault("target", ""));
        }
    }
}
