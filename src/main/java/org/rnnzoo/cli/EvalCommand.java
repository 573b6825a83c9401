package org.rnnzoo.cli;

import org.rnnzoo.Zoo;
import org.rnnzoo.data.TextFileCorpus;
import org.rnnzoo.data.TokenCorpus;
import org.rnnzoo.datasets.DatasetStore;
import org.rnnzoo.models.ModelCard;
import org.rnnzoo.train.Checkpoint;
import org.rnnzoo.train.PerplexityEvaluator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

@Command(name = "eval", description = "Perplexity of a checkpoint on a split of its dataset, or on a text file.")
final class EvalCommand implements Runnable {
    @Parameters(paramLabel = "CHECKPOINT")
    Path checkpoint;

    @Option(names = "--split", description = "train, valid or test (default: test)")
    String split = "test";

    @Option(names = "--text", paramLabel = "PATH", description = "score a whole text file instead")
    Path text;

    @Option(names = "--mirror", paramLabel = "DIR")
    Path mirror;

    @Override
    public void run() {
        Checkpoint c = Checkpoint.load(checkpoint);
        ModelCard card = c.card();
        int batch = card.getInt("eval_batch"), bptt = card.getInt("bptt");
        List<String> tokens;
        String what;
        if (text != null) {
            TokenCorpus.Level level = TokenCorpus.Level.valueOf(card.getString("level").toUpperCase());
            tokens = TextFileCorpus.readTokens(text, level);
            what = text.toString();
        } else {
            DatasetStore store = mirror != null ? new DatasetStore().withMirror(mirror) : new DatasetStore();
            tokens = new ArrayList<>(Zoo.corpus(card, store).corpus().split(split));
            what = card.getString("dataset") + " " + split;
        }
        PerplexityEvaluator e = PerplexityEvaluator.evaluate(c.net(), c.vocabulary().encode(tokens), batch, bptt);
        System.out.printf("%s on %s: perplexity %.3f (cross-entropy %.4f nats over %,d tokens)%n",
                card.name(), what, e.perplexity(), e.crossEntropy(), e.tokens());
    }
}
