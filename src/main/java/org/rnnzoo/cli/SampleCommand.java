package org.rnnzoo.cli;

import org.rnnzoo.Zoo;
import org.rnnzoo.decode.Sampler;
import org.rnnzoo.train.Checkpoint;
import org.rnnzoo.train.LanguageModelTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sample", mixinStandardHelpOptions = true, description = "Generate text from a language-model checkpoint.")
final class SampleCommand implements Runnable {
    @Parameters(paramLabel = "CHECKPOINT", description = "a checkpoint .zip, or a trained model's name MODEL:DATASET (see: zoo models)")
    String checkpoint;

    @Option(names = "--prompt", description = "text to continue (default: start a new sentence)")
    String prompt = "";

    @Option(names = "--length", description = "tokens to generate (default: ${DEFAULT-VALUE})")
    int length = 50;

    @Option(names = "--temperature", description = "default: ${DEFAULT-VALUE}")
    double temperature = 1.0;

    @Option(names = "--top-k", description = "keep the k most likely tokens, 0 = all (default: ${DEFAULT-VALUE})")
    int topK = 0;

    @Option(names = "--top-p", description = "nucleus sampling mass, 1 = off (default: ${DEFAULT-VALUE})")
    double topP = 1.0;

    @Option(names = "--seed", description = "default: ${DEFAULT-VALUE}")
    long seed = 1;

    @Override
    public void run() {
        if (length <= 0) throw new org.rnnzoo.common.ZooException("bad value for --length: " + length + " (must be > 0)");
        Sampler.Settings s = new Sampler.Settings(temperature, topK, topP, seed);
        Checkpoint c = Checkpoint.load(CheckpointArgument.resolve(checkpoint));
        if (!c.task().equals(LanguageModelTask.KIND))
            throw new org.rnnzoo.common.ZooException("zoo sample continues text with a recurrent language model; " + checkpoint + " is a "
                    + c.task() + " model (score it with: zoo eval " + checkpoint + ")");
        String out = Zoo.sample(c.net(), c.vocabulary(), c.card(), prompt, length, s);
        boolean glue = c.card().getString("level").equals("char") || out.startsWith("\n");
        System.out.println(prompt.isEmpty() ? out : prompt + (glue ? "" : " ") + out);
    }
}
