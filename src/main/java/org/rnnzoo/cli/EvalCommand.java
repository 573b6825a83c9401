package org.rnnzoo.cli;

import org.rnnzoo.common.ZooException;
import org.rnnzoo.data.Seq2SeqPairIterator;
import org.rnnzoo.data.Vocabularies;
import org.rnnzoo.decode.AttentionStatistics;
import org.rnnzoo.models.Seq2SeqAttention;
import org.rnnzoo.train.LanguageModelTask;
import org.rnnzoo.train.NgramLanguageModelTask;
import org.rnnzoo.train.Seq2SeqTask;
import org.rnnzoo.train.SentenceClassificationTask;
import org.rnnzoo.train.SequenceTaggingTask;
import org.rnnzoo.train.Task;
import org.rnnzoo.train.Tasks;
import org.rnnzoo.datasets.TextFileCorpus;
import org.rnnzoo.datasets.TokenCorpus;
import org.rnnzoo.datasets.DatasetStore;
import org.rnnzoo.models.ModelCard;
import org.rnnzoo.train.Checkpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

@Command(name = "eval", mixinStandardHelpOptions = true, description = "Score a checkpoint on a split of its dataset with its task's metrics (perplexity, accuracy, word error rate), or a language model on a text file.")
final class EvalCommand implements Runnable {
    @Parameters(paramLabel = "CHECKPOINT", description = "a checkpoint .zip, or a trained model's name MODEL:DATASET (see: zoo models)")
    String checkpoint;

    @Option(names = "--split", description = "train, valid or test (default: test)")
    String split = "test";

    @Option(names = "--text", paramLabel = "PATH", description = "score a whole text file instead")
    Path text;

    @Option(names = "--mirror", paramLabel = "DIR")
    Path mirror;

    @Option(names = "--confusion", paramLabel = "PNG", description = "a classifier or tagger: also draw the split's confusion matrix to this PNG")
    Path confusion;

    @Option(names = "--attention-stats", paramLabel = "N", description = "a seq2seq-attention checkpoint: also where its attention "
            + "looks on the first N pairs of the split, teacher-forced on their references (weight on the last source token, "
            + "how often the argmax is there, max weight, entropy, distance of the argmax from the diagonal)")
    Integer attentionStats;

    @Override
    public void run() {
        if (attentionStats != null && attentionStats < 1)
            throw new ZooException("bad value for --attention-stats: " + attentionStats + " (must be >= 1)");
        if (attentionStats != null && text != null) throw new ZooException("--attention-stats reads a split's pairs; it does not go with --text");
        Checkpoint c = Checkpoint.load(CheckpointArgument.resolve(checkpoint));
        ModelCard card = c.card();
        DatasetStore store = mirror != null ? new DatasetStore().withMirror(mirror) : new DatasetStore();
        if (text != null) {
            if (!c.vocabularies().has(Vocabularies.TOKENS) || !(card.task().equals(LanguageModelTask.KIND) || card.task().equals(NgramLanguageModelTask.KIND)))
                throw new ZooException("--text scores a language model; " + checkpoint + " is a " + c.task() + " checkpoint");
            TokenCorpus.Level level = TokenCorpus.Level.valueOf(card.getString("level").toUpperCase());
            List<String> tokens = TextFileCorpus.readTokens(text, level);
            TokenCorpus corpus = new TokenCorpus("text:" + text, level, tokens, tokens, tokens);
            Task task = Tasks.onCorpus(card, corpus, c.vocabulary());   // the card's own task: stream or n-gram windows
            System.out.printf("%s on %s: %s%n", card.name(), text, task.describe(task.evaluate(c.net(), "test")));
            return;
        }
        if (!List.of("train", "valid", "test").contains(split))
            throw new ZooException("bad value for --split: '" + split + "' (expected train, valid or test)");
        if (attentionStats != null && !card.architecture().equals("Seq2SeqAttention"))
            throw new ZooException("--attention-stats: " + card.name() + " has no attention (seq2seq-attention has)");
        // the same task the trainer scored with, so the figure matches result.json
        Task task = Tasks.create(card, store, c.vocabularies());
        if (confusion != null && !(card.task().equals(SentenceClassificationTask.KIND) || card.task().equals(SequenceTaggingTask.KIND)))
            throw new ZooException("--confusion draws a classifier's or tagger's confusion matrix; " + checkpoint + " is a " + c.task() + " checkpoint");
        Map<String, Double> m = task.evaluate(c.net(), split, confusion);
        System.out.printf("%s on %s %s: %s%n", card.name(), task.provenance().get("dataset"), split, task.describe(m));
        if (confusion != null) System.out.println("confusion matrix: " + confusion);
        if (attentionStats != null && task instanceof Seq2SeqTask seq2seq) {
            List<Seq2SeqPairIterator.Pair> all = seq2seq.pairs(split), first = all.subList(0, Math.min(attentionStats, all.size()));
            AttentionStatistics a = AttentionStatistics.of(c.net(), Seq2SeqAttention.ATTENTION, first, card.getInt("eval_batch"));
            System.out.printf("attention on the first %,d of %,d %s pairs, teacher-forced on their references: %s%n",
                    first.size(), all.size(), split, a.describe());
        }
    }
}
