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

    @Option(names = "--ensemble", paramLabel = "CHECKPOINT", description = "a seq2seq checkpoint: also decode the split with this "
            + "model and the others given so as one (each step's log-probabilities averaged; same dataset and vocabularies), "
            + "greedily and with the card's beam; repeatable")
    List<String> ensemble = List.of();

    @Option(names = "--json", paramLabel = "FILE", description = "also write the figures to FILE as JSON, each named SPLIT_METRIC "
            + "(with --ensemble: the ensemble's, the first checkpoint's as first_SPLIT_METRIC)")
    Path json;

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
        if (!ensemble.isEmpty() && !(task instanceof Seq2SeqTask))
            throw new ZooException("--ensemble decodes seq2seq models together; " + checkpoint + " is a " + c.task() + " checkpoint");
        List<Checkpoint> members = ensembleMembers(c);
        Map<String, Double> m = task.evaluate(c.net(), split, confusion);
        System.out.printf("%s on %s %s: %s%n", card.name(), task.provenance().get("dataset"), split, task.describe(m));
        if (confusion != null) System.out.println("confusion matrix: " + confusion);
        Map<String, Object> figures = new java.util.LinkedHashMap<>();
        figures.put("checkpoint", checkpoint);
        figures.put("split", split);
        String prefix = (members.isEmpty() ? "" : "first_") + split + "_";   // beam_wer becomes SPLIT_beam_wer
        m.forEach((k, x) -> figures.put(prefix + k, x));
        if (!members.isEmpty()) {
            Seq2SeqTask seq2seq = (Seq2SeqTask) task;
            List<org.deeplearning4j.nn.graph.ComputationGraph> nets = members.stream().map(Checkpoint::net).toList();
            int beam = card.getInt("beam");
            Map<String, Double> greedy = seq2seq.errorRates(nets, split, 1);
            StringBuilder line = new StringBuilder(String.format("ensemble of %d on %s: greedy %s", nets.size(), split, describeErrors(greedy)));
            greedy.forEach((k, x) -> figures.put(split + "_" + k, x));
            if (beam > 1) {
                Map<String, Double> beamed = seq2seq.errorRates(nets, split, beam);
                line.append(String.format("; beam %d: %s", beam, describeErrors(beamed)));
                beamed.forEach((k, x) -> { if (!k.equals("sources")) figures.put(split + "_beam_" + k, x); });
            }
            figures.put("ensemble", java.util.stream.Stream.concat(java.util.stream.Stream.of(checkpoint), ensemble.stream()).toList());
            figures.put(split + "_beam", beam);
            System.out.println(line);
        }
        if (json != null) ReproduceCommand.writeJson(json, figures);
        if (attentionStats != null && task instanceof Seq2SeqTask seq2seq) {
            List<Seq2SeqPairIterator.Pair> all = seq2seq.pairs(split), first = all.subList(0, Math.min(attentionStats, all.size()));
            AttentionStatistics a = AttentionStatistics.of(c.net(), Seq2SeqAttention.ATTENTION, first, card.getInt("eval_batch"));
            System.out.printf("attention on the first %,d of %,d %s pairs, teacher-forced on their references: %s%n",
                    first.size(), all.size(), split, a.describe());
        }
    }

    /** This checkpoint and the --ensemble ones, each checked to read and write the same tokens; empty without --ensemble. */
    private List<Checkpoint> ensembleMembers(Checkpoint first) {
        if (ensemble.isEmpty()) return List.of();
        List<Checkpoint> out = new java.util.ArrayList<>(List.of(first));
        Object dataset = first.card().getString("dataset");
        for (String name : ensemble) {
            Checkpoint other = Checkpoint.load(CheckpointArgument.resolve(name));
            if (!other.card().task().equals(Seq2SeqTask.KIND))
                throw new ZooException("--ensemble " + name + ": a " + other.task() + " checkpoint, not a seq2seq one");
            if (!other.card().getString("dataset").equals(dataset))
                throw new ZooException("--ensemble " + name + ": trained on " + other.card().getString("dataset") + ", not " + dataset);
            for (String v : List.of(Vocabularies.SOURCE, Vocabularies.TARGET))
                if (!other.vocabularies().entries(v).equals(first.vocabularies().entries(v)))
                    throw new ZooException("--ensemble " + name + ": its " + v + " vocabulary differs from " + checkpoint + "'s");
            out.add(other);
        }
        return out;
    }

    private static String describeErrors(Map<String, Double> m) {
        return String.format("word error rate %.4f, token error rate %.4f, BLEU %.2f over %,d sources",
                m.get("wer"), m.get("ter"), m.get("bleu"), m.get("sources").longValue());
    }
}
