package org.rnnzoo.cli;

import org.rnnzoo.common.ZooException;
import org.rnnzoo.ui.TrainingUi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

@Command(name = "ui", mixinStandardHelpOptions = true,
        description = "Serve DL4J's training UI for a run trained with --ui (its RUN_DIR/ui-stats.bin) until Ctrl-C.")
final class UiCommand implements Runnable {
    @Parameters(paramLabel = "RUN_DIR", description = "a run directory written by zoo train --ui")
    Path runDir;

    @Option(names = "--port", paramLabel = "N", description = "port to serve on (default: ${DEFAULT-VALUE})")
    int port = TrainingUi.DEFAULT_PORT;

    @Override
    public void run() {
        if (!Files.isDirectory(runDir)) throw new ZooException("no such run directory: " + runDir);
        if (port < 1 || port > 65535) throw new ZooException("bad value for --port: " + port + " (1 to 65535)");
        TrainingUi ui = TrainingUi.forFinishedRun(runDir, port);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ui.close();
            stop.countDown();
        }));
        System.out.println("training UI of " + runDir + ": " + ui.url() + "  (Ctrl-C to stop)");
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
