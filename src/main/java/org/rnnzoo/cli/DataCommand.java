package org.rnnzoo.cli;

import org.rnnzoo.datasets.DatasetCard;
import org.rnnzoo.datasets.DatasetException;
import org.rnnzoo.datasets.DatasetStore;
import org.rnnzoo.datasets.Datasets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code zoo data}: the dataset cards, the cache and the mirror, thin over
 * {@link org.rnnzoo.datasets}. A {@link DatasetException} becomes its one-line message on stderr
 * and exit code 2.
 */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "The real datasets: list, card and counts, fetch into the cache, verify checksums.",
        subcommands = {DataCommand.ListData.class, DataCommand.Info.class, DataCommand.Fetch.class, DataCommand.Verify.class})
public class DataCommand implements Runnable {
    /** Where files come from and go to; on {@code data} itself or on any subcommand. */
    static class StoreOptions {
        @Option(names = "--mirror", paramLabel = "DIR",
                description = "a local folder laid out <dataset>/<file> to copy from instead of downloading (default: $ZOO_DATA_MIRROR)")
        Path mirror;

        @Option(names = "--cache", paramLabel = "DIR", description = "the cache folder (default: $ZOO_HOME/datasets or ~/.rnnzoo/datasets)")
        Path cache;
    }

    @Mixin
    StoreOptions options = new StoreOptions();

    public DataCommand() {}

    @Override
    public void run() { new CommandLine(this).usage(System.out); }

    DatasetStore store(StoreOptions own) {
        Path mirror = own.mirror != null ? own.mirror : options.mirror;
        Path cache = own.cache != null ? own.cache : options.cache;
        DatasetStore s = cache != null ? new DatasetStore().withCache(cache) : new DatasetStore();
        return mirror != null ? s.withMirror(mirror) : s;
    }

    /** Shared by the subcommands: the store, the error convention, the NAME|all expansion. */
    abstract static class DataSubcommand implements Callable<Integer> {
        @ParentCommand
        DataCommand parent;

        @Mixin
        StoreOptions options = new StoreOptions();

        final PrintStream out = System.out;

        abstract void execute(DatasetStore store);

        @Override
        public Integer call() {
            try {
                execute(parent == null ? new DataCommand().store(options) : parent.store(options));
                return 0;
            } catch (DatasetException e) {
                System.err.println("zoo: error: " + e.getMessage());
                if (System.getenv("ZOO_DEBUG") != null) e.printStackTrace();
                return 2;
            }
        }

        static List<String> expand(String name) {
            if (name.equals("all")) return Datasets.names();
            return List.of(Datasets.card(name)); // unknown names fail here, with the list of valid ones; a view's files are its card's
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The datasets as a table: name, task, files, license, cached.")
    static class ListData extends DataSubcommand {
        @Override
        void execute(DatasetStore store) {
            String fmt = "%-16s %-15s %6s %10s  %-8s %s%n";
            out.printf(fmt, "name", "task", "files", "bytes", "cached", "license");
            for (String name : Datasets.names()) {
                DatasetCard c = DatasetCard.load(name);
                long bytes = c.files().stream().mapToLong(DatasetCard.FileEntry::bytes).sum();
                long cached = c.files().stream().filter(f -> Files.isRegularFile(store.cachePath(name, f.name()))).count();
                out.printf(fmt, name, c.task(), c.files().size(), String.format("%,d", bytes),
                        cached + "/" + c.files().size(), c.license());
            }
            out.println("cache: " + store.cacheDir() + (store.mirrorDir() == null ? "" : "   mirror: " + store.mirrorDir()));
        }
    }

    @Command(name = "info", mixinStandardHelpOptions = true, description = "A dataset's card, and its counts per split computed by loading it.")
    static class Info extends DataSubcommand {
        @Parameters(paramLabel = "NAME", description = "a dataset name (see `zoo data list`) or text:PATH")
        String name;

        @Override
        void execute(DatasetStore store) {
            if (!name.startsWith(Datasets.TEXT_PREFIX)) {
                DatasetCard c = DatasetCard.load(expand(name).get(0));
                out.print(c.toYaml());
                long bytes = c.files().stream().mapToLong(DatasetCard.FileEntry::bytes).sum();
                out.printf("files: %d, %,d bytes%n", c.files().size(), bytes);
                if (c.files().size() <= 10)
                    for (DatasetCard.FileEntry f : c.files()) out.printf("  %-30s %,12d  sha256 %s%n", f.name(), f.bytes(), f.sha256());
            }
            Map<String, Integer> counts = Datasets.counts(name, store);
            // a view (brown-pos) is described in its card's text; the card's counts are the card's own dataset's
            Map<String, Object> expected = name.startsWith(Datasets.TEXT_PREFIX) || !Datasets.card(name).equals(name) ? Map.of()
                    : DatasetCard.load(name).counts();
            out.println("loaded:");
            for (Map.Entry<String, Integer> e : counts.entrySet()) {
                Object want = expected.get(e.getKey());
                String check = want instanceof Number n ? (n.intValue() == e.getValue() ? "  (= card)" : "  (card says " + want + ")") : "";
                out.printf("  %-6s %,12d%s%n", e.getKey(), e.getValue(), check);
            }
        }
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true, description = "Copy (from the mirror) or download a dataset into the cache, verifying every sha256.")
    static class Fetch extends DataSubcommand {
        @Parameters(paramLabel = "NAME|all")
        String name;

        @Override
        void execute(DatasetStore store) {
            for (String n : expand(name)) {
                List<DatasetStore.Fetched> got = store.fetch(n);
                long fromCache = got.stream().filter(f -> f.origin() == DatasetStore.Origin.CACHE).count();
                long fromMirror = got.stream().filter(f -> f.origin() == DatasetStore.Origin.MIRROR).count();
                out.printf("%-16s %d file%s verified in %s (%d already cached, %d from the mirror, %d downloaded)%n", n, got.size(),
                        got.size() == 1 ? "" : "s", store.cacheDir().resolve(n), fromCache, fromMirror, got.size() - fromCache - fromMirror);
            }
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, description = "Re-hash a dataset's cached files (or the mirror's, where not cached) against the card.")
    static class Verify extends DataSubcommand {
        @Parameters(paramLabel = "NAME|all")
        String name;

        @Override
        void execute(DatasetStore store) {
            List<String> failed = new ArrayList<>();
            for (String n : expand(name)) {
                List<DatasetStore.Check> checks = store.verify(n);
                int ok = 0;
                for (DatasetStore.Check c : checks) {
                    if (c.status() == DatasetStore.Status.OK) ok++;
                    else {
                        out.printf("%-16s %-30s %-7s %s%n", n, c.file(), c.status(), c.detail());
                        failed.add(n + "/" + c.file() + " " + c.status().name().toLowerCase());
                    }
                }
                out.printf("%-16s %d/%d files ok%n", n, ok, checks.size());
            }
            if (!failed.isEmpty())
                throw new DatasetException(failed.size() + " file(s) failed verification: "
                        + String.join(", ", failed.subList(0, Math.min(5, failed.size()))) + (failed.size() > 5 ? ", ..." : "")
                        + " (run `zoo data fetch` to replace them)");
        }
    }
}
