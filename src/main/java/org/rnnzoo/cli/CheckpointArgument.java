package org.rnnzoo.cli;

import org.rnnzoo.common.Names;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.train.ModelStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What {@code zoo eval / sample / info} take where a checkpoint goes: a path that exists is a path;
 * {@code MODEL:DATASET} (or {@code MODEL:DATASET/ROW}) is a trained model in the {@link ModelStore},
 * sha256-checked before it is loaded.
 */
final class CheckpointArgument {
    private CheckpointArgument() {}

    static Path resolve(String arg) {
        Path p = Path.of(arg);
        if (Files.exists(p) || !ModelStore.isName(arg)) return p;   // a missing path: Checkpoint.load names it
        ModelStore store = new ModelStore();
        return store.find(arg).map(e -> store.verified(arg, e)).orElseThrow(() -> new ZooException(missing(arg, store)));
    }

    /** The command that makes the model, or the names that exist. */
    private static String missing(String name, ModelStore store) {
        String command = ResultsTables.trainedModelCommands().get(name);
        if (command != null) return "no trained model " + name + " in " + store.dir() + "; make it with: " + command;
        Set<String> known = new LinkedHashSet<>();
        store.list().forEach(e -> known.addAll(e.names()));
        known.addAll(ResultsTables.trainedModelCommands().keySet());
        return Names.unknown("trained model", name, known) + "; or keep a run of yours under it: zoo train MODEL ... --register " + name;
    }
}
