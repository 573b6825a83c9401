package org.rnnzoo.cli;

import org.rnnzoo.train.ModelStore;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.Map;

/** {@code zoo models}: the trained models kept by name in {@code $ZOO_HOME/models}. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the trained models in $ZOO_HOME/models (~/.rnnzoo/models) that eval, sample and info take by name (MODEL:DATASET).")
final class ModelsCommand implements Runnable {
    @Override
    public void run() {
        ModelStore store = new ModelStore();
        List<ModelStore.Entry> entries = store.list();
        if (entries.isEmpty()) {
            System.out.println("no trained models in " + store.dir() + "; make one with: zoo reproduce ptb --rows lstm-small"
                    + " (or: zoo train MODEL ... --register MODEL:DATASET)");
            return;
        }
        System.out.println("# " + store.dir());
        System.out.printf("%-36s %10s  %-12s  %14s  %s%n", "name", "size", "sha256", "test", "registered");
        for (ModelStore.Entry e : entries) {
            System.out.printf("%-36s %10s  %-12s  %14s  %s%n", String.join(", ", e.names()), size(e.bytes()),
                    e.sha256().substring(0, 12), testFigure(e.provenance()), e.registered());
        }
    }

    private static String size(long bytes) {
        return bytes < 1_000_000 ? String.format("%.0f KB", bytes / 1e3) : String.format("%.1f MB", bytes / 1e6);
    }

    private static String testFigure(Map<String, Object> provenance) {
        String metric = String.valueOf(provenance.getOrDefault("metric", "ppl"));   // entries before the task kinds: perplexity
        return provenance.get("test_" + metric) instanceof Number n ? String.format("%.2f %s", n.doubleValue(), metric) : "-";
    }
}
