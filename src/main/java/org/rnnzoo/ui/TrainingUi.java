package org.rnnzoo.ui;

import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.ui.VertxUIServer;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.train.RunDirectory;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * DL4J's training UI for a run: a {@link FileStatsStorage} in the run directory
 * ({@value #STATS_FILE}), which {@link StatsListener}s write to while training and which
 * {@code zoo ui RUN_DIR} reopens after, served by DL4J's Vert.x {@code UIServer} on a port.
 * (DL4J's server listens on every interface; the zoo prints the localhost address.)
 */
public final class TrainingUi implements AutoCloseable {
    public static final String STATS_FILE = new RunDirectory(Path.of(".")).uiStats().getFileName().toString();
    public static final int DEFAULT_PORT = 9000;

    private final FileStatsStorage storage;
    private final VertxUIServer server;

    private TrainingUi(Path file, int port) {
        try {
            Files.createDirectories(file.getParent());
            this.storage = new FileStatsStorage(file.toFile());
        } catch (Exception e) {
            throw new ZooException("cannot open the UI's stats file " + file + ": " + String.valueOf(e.getMessage()), e);
        }
        try {
            this.server = VertxUIServer.getInstance(port, false, null);
        } catch (Exception e) {
            storage.close();
            throw new ZooException("cannot start DL4J's training UI on port " + port + ": " + String.valueOf(e.getMessage())
                    + " (pick another with --ui-port)", e);
        }
        server.attach(storage);
    }

    /** The UI for a run about to train: its stats file is created, or appended to on a resume. */
    public static TrainingUi forTraining(Path runDir, int port) {
        return new TrainingUi(new RunDirectory(runDir).uiStats(), port);
    }

    /** The UI of a run that trained with {@code --ui}: its stats file must be there. */
    public static TrainingUi forFinishedRun(Path runDir, int port) {
        Path file = new RunDirectory(runDir).uiStats();
        if (!Files.isRegularFile(file))
            throw new ZooException("no training UI record in " + runDir + " (no " + STATS_FILE + "): train with --ui to keep one");
        return new TrainingUi(file, port);
    }

    public String url() { return "http://localhost:" + server.getPort() + "/train/overview"; }

    public int port() { return server.getPort(); }

    /** A listener for this JVM's network, writing straight to the stats file. */
    public TrainingListener listener() { return new StatsListener(storage); }

    /** Where a Spark master routes the records its workers' listeners collect. */
    public StatsStorageRouter router() { return storage; }

    /**
     * A listener for Spark workers, whose records travel back with their results to {@link #router()}.
     * It reports every iteration: each round deserialises a fresh copy whose count starts again, so
     * with DL4J's default (every 10th) a round of fewer steps reported no score at all.
     */
    public TrainingListener workerListener() { return new StatsListener(null, 1); }

    @Override
    public void close() {
        try {
            VertxUIServer.stopInstance();
        } catch (Exception e) {
            throw new ZooException("cannot stop DL4J's training UI: " + String.valueOf(e.getMessage()), e);
        } finally {
            storage.close();
        }
    }
}
