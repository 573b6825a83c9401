package org.rnnzoo.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.rnnzoo.CapturedConsole;
import org.rnnzoo.Zoo;
import org.rnnzoo.models.ModelCard;
import org.rnnzoo.train.ModelStore;
import org.rnnzoo.train.RunDirectory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Trained models by name (MODEL:DATASET), as the DL4J zoo offers pretrained weights: kept, listed, checked, loaded. */
class TrainedModelsTest {
    @TempDir
    static Path tmp;
    static Path run;
    @RegisterExtension
    final CapturedConsole console = new CapturedConsole();

    @BeforeAll
    static void trainAndRegister() {
        System.setProperty("zoo.home", tmp.resolve("home").toString());   // ModelStore reads it before $ZOO_HOME
        run = tmp.resolve("run");
        List<String> args = new ArrayList<>(TrainRunDirectoryTest.TINY);
        args.addAll(List.of("--run-dir", run.toString(), "--register", "lstm-lm:grammar"));
        PrintStream saved = System.out;
        System.setOut(new PrintStream(new ByteArrayOutputStream()));
        try {
            assertEquals(0, ZooCommand.execute(args.toArray(new String[0])));
        } finally {
            System.setOut(saved);
        }
    }

    @AfterAll
    static void forgetHome() { System.clearProperty("zoo.home"); }

    private String ok(String... args) {
        console.reset();
        assertEquals(0, ZooCommand.execute(args), console.stderr());
        return console.stdout();
    }

    private String failWith(String... args) {
        console.reset();
        assertEquals(2, ZooCommand.execute(args));
        String message = console.stderr();
        assertEquals(1, message.lines().count(), "one line: " + message);
        return message;
    }

    @Test
    void zooModelsListsARegisteredRunWithItsChecksumAndTestFigure() {
        ModelStore.Entry e = new ModelStore().find("lstm-lm:grammar").orElseThrow();
        String listing = ok("models");
        assertTrue(listing.contains("lstm-lm:grammar") && listing.contains(e.sha256().substring(0, 12)), listing);
        assertTrue(listing.contains(String.format("%.2f", ((Number) e.provenance().get("test_ppl")).doubleValue())), listing);
    }

    @Test
    void evalSampleAndInfoTakeTheNameWhereTheyTakeACheckpoint() {
        String best = new RunDirectory(run).bestCheckpoint().toString();
        assertEquals(ok("eval", best), ok("eval", "lstm-lm:grammar"), "the name loads the run's best checkpoint");
        assertTrue(ok("sample", "lstm-lm:grammar", "--length", "5").strip().split("\\s+").length >= 5);
        assertTrue(ok("info", "lstm-lm:grammar").contains("parameters:"));
    }

    @Test
    void aTamperedFileFailsItsChecksumInOneLine() throws Exception {
        ModelStore store = new ModelStore();
        store.register(List.of("lstm-lm:grammar/tampered"), new RunDirectory(run).bestCheckpoint(), Map.of());
        Path file = store.dir().resolve(store.find("lstm-lm:grammar/tampered").orElseThrow().file());
        Files.write(file, new byte[]{0}, StandardOpenOption.APPEND);
        String message = failWith("eval", "lstm-lm:grammar/tampered");
        assertTrue(message.contains("sha256") && message.contains(file.toString()), message);
    }

    @Test
    void aMissingNameSaysWhichCommandMakesIt() {
        assertTrue(failWith("sample", "rnn-lm:ptb").endsWith("make it with: zoo reproduce ptb --rows rnn"), console.stderr());
        assertTrue(failWith("eval", "lstm-lm:brown/lstm").endsWith("make it with: zoo reproduce brown --rows lstm"), console.stderr());
        assertTrue(failWith("eval", "rnn-lm:ptbb").contains("did you mean rnn-lm:ptb"), console.stderr());
    }

    @Test
    void aMissingPathIsStillNamedAsAPath() {
        Path missing = tmp.resolve("no-such.zip");
        assertTrue(failWith("eval", missing.toString()).contains("checkpoint not found: " + missing));
    }

    @Test
    void reproduceKeepsARowUnderItsRowNameAndTheHeadlineName() {
        ResultsTables.Row row = ResultsTables.all().get("ptb").stream().filter(r -> r.id().equals("lstm-small")).findFirst().orElseThrow();
        String checkpoint = new RunDirectory(run).bestCheckpoint().toString();
        ReproduceCommand.register("ptb", row, Map.of("test_ppl", 115.42, "checkpoint", checkpoint, "command", "./zoo train lstm-lm --preset zaremba-small"));
        ModelStore.Entry e = new ModelStore().find("lstm-lm:ptb").orElseThrow();
        assertEquals(List.of("lstm-lm:ptb/lstm-small", "lstm-lm:ptb"), e.names());
        assertEquals("ptb/lstm-small", e.provenance().get("table"));
        assertTrue(ok("models").lines().anyMatch(l -> l.startsWith("lstm-lm:ptb/lstm-small, lstm-lm:ptb") && l.contains("115.42")), console.stdout());
        assertEquals(ok("eval", checkpoint), ok("eval", "lstm-lm:ptb/lstm-small"));
    }

    @Test
    void everyReproduceRowWithACheckpointHasNamesOnItsTablesDataset() {
        ResultsTables.all().forEach((table, rows) -> {
            for (ResultsTables.Row row : rows) {
                if (ResultsTables.isEval(row)) {
                    // it scores trained models that earlier rows of its table make, and makes none itself
                    assertEquals(List.of(), ResultsTables.trainedModelNames(table, row));
                    for (String name : row.args()) if (name.contains(":"))
                        assertEquals("zoo reproduce " + table + " --rows " + name.substring(name.indexOf('/') + 1),
                                ResultsTables.trainedModelCommands().get(name), row.id() + " reads " + name);
                    continue;
                }
                ModelCard card = Zoo.card(row.args().get(0));
                for (int i = 1; i + 1 < row.args().size(); i += 2) {
                    String flag = row.args().get(i), value = row.args().get(i + 1);
                    if (flag.equals("--preset")) card = card.withPreset(value);
                    if (flag.equals("--dataset")) card = card.with("dataset", value);
                    if (flag.equals("--set")) card = card.withAll(List.of(value));
                }
                if (List.of("ptb", "brown").contains(table))
                    assertEquals(table, card.getString("dataset"), "a language-model table is named after the dataset its rows train on: " + row.id());
                List<String> names = ResultsTables.trainedModelNames(table, row);
                // the depth study's rows are variations of the recipes, named after the study
                String on = table.equals("depth") ? "depth" : card.getString("dataset");
                if (!card.task().equals("count-language-model"))
                    assertTrue(names.contains(card.name() + ":" + on + "/" + row.id()), names.toString());
            }
        });
        assertTrue(ResultsTables.trainedModelCommands().keySet().containsAll(List.of("birnn-sentiment:sst2-phrases", "rnn-sentiment:mr",
                "birnn-tagger:brown-pos")), "names on the row's own dataset, not the table's");
        assertTrue(ResultsTables.trainedModelCommands().keySet().containsAll(List.of("lstm-lm:ptb", "rnn-lm:ptb", "nplm:brown", "lstm-lm:brown")));
        assertTrue(ResultsTables.trainedModelCommands().keySet().stream().noneMatch(n -> n.startsWith("kn-lm:")), "count models keep no checkpoint");
    }
}
