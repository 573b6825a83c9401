package org.rnnzoo.cli;

import org.rnnzoo.Zoo;
import org.rnnzoo.data.TextFileCorpus;
import org.rnnzoo.data.TokenCorpus;
import org.rnnzoo.datasets.DatasetStore;
import org.rnnzoo.models.ModelCard;
import org.rnnzoo.train.Checkpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

@Command(name = "eval", mixinStandardHelpOptions = true, description = "Perplexity of a checkpoint on a split of its dataset, or on a text file.")
final class EvalCommand implements Runnable {
    @Parameters(paramLabel = "CHECKPOINT", description = "a checkpoint .zip, or a trained model's name MODEL:DATASET (see: zoo models)")
    String checkpoint;

    @Option(names = "--split", description = "train, valid or test (default: test)")
    String split = "test";

    @Option(names = "--text", paramLabel = "PATH", description = "score a whole text file instead")
    Path text;

    @Option(names = "--mirror", paramLabel = "DIR")
    Path mirror;

    @Override
    public void run() {
        Checkpoint c = Checkpoint.load(CheckpointArgument.resolve(checkpoint));
        ModelCard card = c.card();
        TokenCorpus corpus;
        String what, scored = split;
        if (text != null) {
            TokenCorpus.Level level = TokenCorpus.Level.valueOf(card.getString("level").toUpperCase());
            List<String> tokens = TextFileCorpus.readTokens(text, level);
            corpus = new TokenCorpus("text:" + text, level, tokens, tokens, tokens);
            what = text.toString();
            scored = "test";
        } else {
            DatasetStore store = mirror != null ? new DatasetStore().withMirror(mirror) : new DatasetStore();
            corpus = Zoo.corpus(card, store).corpus();
            corpus.split(split);   // rejects an unknown split name
            what = card.getString("dataset") + " " + split;
        }
        // the same task the trainer scored with, so the figure matches result.json
        Map<String, Double> m = Zoo.task(card, corpus, c.vocabulary()).evaluate(c.net(), scored);
        System.out.printf("%s on %s: perplexity %.3f (cross-entropy %.4f nats over %,d tokens)%n",
                card.name(), what, m.get("ppl"), m.get("cross_entropy"), m.get("tokens").longValue());
    }
}
