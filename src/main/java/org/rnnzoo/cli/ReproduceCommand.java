package org.rnnzoo.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.rnnzoo.common.Names;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.train.Checkpoint;
import org.rnnzoo.train.ModelStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code zoo reproduce TABLE}: runs every row of a results table with the exact `zoo train`
 * command it documents (or, for a row that scores models earlier rows trained, its `zoo eval`), keeps each row's result.json under {@code docs/results/TABLE/}, and
 * regenerates {@code docs/results.md} from all stored rows (so re-running one row keeps the rest).
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true, description = "Run a results table (ptb, brown, depth, shakespeare, sentiment, tagging, cmudict-g2p, eng-fra; seq2seq = the last two) and rewrite docs/results.md.")
final class ReproduceCommand implements Runnable {
    @Parameters(paramLabel = "TABLE", description = "ptb, brown, depth, shakespeare, sentiment, tagging, cmudict-g2p, eng-fra, or seq2seq (both of those)") String table;
    @Option(names = "--rows", split = ",", description = "only these rows (default: all)") List<String> rows;
    @Option(names = "--docs", description = "docs folder (default: ${DEFAULT-VALUE})") Path docs = Path.of("docs");
    @Option(names = "--runs", description = "run directories go here (default: ${DEFAULT-VALUE})") Path runs = Path.of("runs", "reproduce");
    @Option(names = "--mirror", paramLabel = "DIR") Path mirror;
    @Option(names = "--render", description = "only rewrite docs/results.md from the stored row results") boolean render;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public void run() {
        Map<String, List<ResultsTables.Row>> tables = ResultsTables.all();
        List<String> names = ResultsTables.GROUPS.getOrDefault(table, List.of(table));
        List<String> known = new ArrayList<>(tables.keySet());
        known.addAll(ResultsTables.GROUPS.keySet());
        for (String name : names) if (!tables.containsKey(name)) throw new ZooException(Names.unknown("table", table, known));
        for (String name : names) run(name, tables.get(name));
        Checkpoint.writeAtomically(docs.resolve("results.md"), ResultsTables.markdown(tables, docs.resolve("results")));
        System.out.println("wrote " + docs.resolve("results.md"));
    }

    private void run(String table, List<ResultsTables.Row> all) {
        for (ResultsTables.Row row : all) {
            if (render || (rows != null && !rows.contains(row.id()))) continue;
            Path dir = runs.resolve(table + "-" + row.id());
            // a row either trains (its args: zoo train's) or scores trained models of earlier rows (ResultsTables.EVAL: zoo eval's)
            boolean eval = ResultsTables.isEval(row);
            List<String> args = new ArrayList<>(eval ? List.of() : List.of("train"));
            args.addAll(row.args());
            if (eval) args.addAll(List.of("--split", "test", "--json", dir.resolve("result.json").toString()));
            else args.addAll(List.of("--run-dir", dir.toString(), "--force", "--no-progress"));
            if (mirror != null) args.addAll(List.of("--mirror", mirror.toString()));
            String command = ResultsTables.command(row);
            System.out.println("== " + table + "/" + row.id() + ": " + command);
            long t0 = System.nanoTime();
            int code = ZooCommand.execute(args.toArray(new String[0]));
            if (code != 0) throw new ZooException("row " + row.id() + " failed (exit " + code + "); see the messages above");
            Map<String, Object> result = readJson(dir.resolve("result.json"));
            result.put("wall_seconds", (System.nanoTime() - t0) / 1e9);
            result.put("command", command);
            writeJson(docs.resolve("results").resolve(table).resolve(row.id() + ".json"), result);
            register(table, row, result);
        }
        if (table.equals("depth") && DepthPlot.write(docs.resolve("results").resolve("depth"), all))
            System.out.println("wrote " + docs.resolve("results").resolve("depth").resolve(DepthPlot.FILE));
    }

    /** Writes {@code value} as indented JSON to {@code p} (temp file, then rename). */
    static void writeJson(Path p, Object value) {
        try {
            Checkpoint.writeAtomically(p, JSON.writeValueAsString(value));
        } catch (IOException e) { throw new ZooException("cannot write " + p + ": " + e.getMessage()); }
    }

    static Map<String, Object> readJson(Path p) {
        try {
            return JSON.readValue(p.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (IOException e) {
            throw new ZooException("cannot read " + p + ": " + e.getMessage());
        }
    }

    /** Keeps the row's best checkpoint by name (ResultsTables.trainedModelNames), for zoo eval / sample NAME. */
    static void register(String table, ResultsTables.Row row, Map<String, Object> result) {
        List<String> names = ResultsTables.trainedModelNames(table, row);
        if (names.isEmpty() || !(result.get("checkpoint") instanceof String checkpoint)) return;
        Map<String, Object> provenance = ModelStore.provenanceOf(result);
        provenance.put("command", result.get("command"));
        provenance.put("table", table + "/" + row.id());
        ModelStore store = new ModelStore();
        store.register(names, Path.of(checkpoint), provenance);
        System.out.println("registered " + String.join(", ", names) + " in " + store.dir());
    }
}
