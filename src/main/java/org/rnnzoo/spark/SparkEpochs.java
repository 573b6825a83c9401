package org.rnnzoo.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.FixedThresholdAlgorithm;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;
import org.rnnzoo.common.Names;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.models.ModelCard;
import org.rnnzoo.train.Divergence;
import org.rnnzoo.train.EpochRunner;
import org.rnnzoo.train.GlobalNormClipping;
import org.rnnzoo.train.Task;

import java.util.ArrayList;
import java.util.List;

/**
 * Fits the trainer's epochs on Spark with dl4j-spark's {@link SparkComputationGraph}: the card's
 * own ComputationGraph, the task's own MultiDataSets as RDDs, the card's {@code spark_training}
 * master. An epoch is a sequence of rounds; in a round each of the cluster's W task slots fits
 * its own piece ({@link Task#trainPieces}: for a language model {@code spark_steps} TBPTT
 * segments of every row, a contiguous slice of the stream each, so the state is carried within
 * the piece), then the master combines the W results into the driver's network — the same
 * object the trainer validates and checkpoints. Measured facts behind the settings: docs/spark.md.
 */
public final class SparkEpochs implements EpochRunner {
    public static final List<String> TRAINING = List.of("averaging", "sharing");

    private final JavaSparkContext sc;
    private final String master, training;
    private final int steps;
    private final double threshold;
    private final StatsStorageRouter router;
    private final List<TrainingListener> listeners;
    private SparkComputationGraph sparkNet;
    private ComputationGraph given;   // the trainer's network that sparkNet was made for

    /**
     * @param master a Spark master URL ({@code local[2]}, {@code spark://127.0.0.1:7077}); under
     *               spark-submit the same string as its {@code --master}
     * @param router where the workers' listener records go (the training UI's storage), or null
     * @param listeners extra listeners for every worker (the UI's StatsListener), besides clipping
     */
    public SparkEpochs(String master, ModelCard card, StatsStorageRouter router, List<TrainingListener> listeners) {
        this.training = card.getString("spark_training");
        if (!TRAINING.contains(training))
            throw new ZooException(Names.unknown("value for spark_training", training, TRAINING));
        this.steps = card.getInt("spark_steps");
        if (steps < 1) throw new ZooException("bad value for spark_steps: " + steps + " (at least 1)");
        this.threshold = card.getDouble("spark_threshold");
        if (training.equals("sharing") && !(threshold > 0))
            throw new ZooException("bad value for spark_threshold: " + threshold + " (sharing needs a positive threshold)");
        this.master = master;
        this.router = router;
        this.listeners = List.copyOf(listeners);
        if (training.equals("sharing") && System.getProperty("aeron.publication.unblock.timeout") == null)
            // Aeron's default gives up on a slow subscriber after 15 s and the updates stop (docs/spark.md)
            System.setProperty("aeron.publication.unblock.timeout", "60000000000");
        SparkConf conf = new SparkConf()   // also reads the spark.* system properties spark-submit sets
                .setMaster(master)
                .setAppName("rnn-zoo " + card.name())
                // one machine by default: no other interface to bind to; a cluster's driver sets its own host
                .setIfMissing("spark.driver.host", "127.0.0.1")
                .setIfMissing("spark.driver.bindAddress", "127.0.0.1")
                .setIfMissing("spark.ui.enabled", "false")
                // one OpenMP thread per task: the machine's cores are Spark's task slots already
                .setIfMissing("spark.executorEnv.OMP_NUM_THREADS", "1");
        try {
            this.sc = new JavaSparkContext(conf);
        } catch (RuntimeException e) {
            throw new ZooException("cannot start Spark with master '" + master + "': " + String.valueOf(e.getMessage()), e);
        }
    }

    /** The Spark context's task slots: the workers of one round. */
    public int workers() { return sc.defaultParallelism(); }

    @Override
    public String describe() {
        return String.format("spark %s: %d workers, %s every %d steps%s", master, workers(),
                training.equals("averaging") ? "parameter averaging" : "gradient sharing",
                steps, training.equals("sharing") ? " (threshold " + threshold + ")" : "");
    }

    @Override
    public Epoch fit(ComputationGraph net, Task task, int epoch, GlobalNormClipping clipping) {
        boolean segments = net.getConfiguration().getBackpropType() == BackpropType.TruncatedBPTT;
        // a piece of a stream is `steps` segments long already; independent batches are one step each
        int perWorker = segments ? 1 : steps;
        int workers = workers();
        if (given != net) {
            sparkNet = sparkNet(net, task, perWorker, workers, clipping);
            given = net;
        }
        long start = System.nanoTime();
        MultiDataSetIterator pieces = task.trainPieces(epoch, steps);
        List<MultiDataSet> round = new ArrayList<>();
        double nll = 0;
        long targets = 0;
        while (pieces.hasNext()) {
            round.add(pieces.next());
            if (round.size() == workers * perWorker || !pieces.hasNext()) {
                long roundTargets = 0;
                for (MultiDataSet ds : round) roundTargets += task.targets(ds);
                double perTarget = fitRound(round, workers, net, segments, task);
                nll += perTarget * roundTargets;
                targets += roundTargets;
                round.clear();
            }
        }
        // the trainer validates and checkpoints its own object: make sure it holds what Spark trained
        if (sparkNet.getNetwork() != net) net.setParams(sparkNet.getNetwork().params());
        return new Epoch(nll, targets, (System.nanoTime() - start) / 1e9);
    }

    /**
     * One round; returns the mean loss per target of the workers' last step (all the master reports:
     * DL4J's score, summed over a segment's steps and averaged over rows), as the epoch's estimate.
     */
    private double fitRound(List<MultiDataSet> round, int workers, ComputationGraph net, boolean segments, Task task) {
        JavaRDD<MultiDataSet> rdd = sc.parallelize(round, Math.min(workers, round.size()));
        try {
            sparkNet.fitMultiDataSet(rdd);
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause())
                if (t instanceof Divergence d) throw new Divergence(d.getMessage() + " in a Spark worker");
            throw new ZooException("Spark training failed: " + String.valueOf(e.getMessage()), e);
        }
        double score = sparkNet.getScore();
        // SharedTrainingMaster leaves the master's score at 0 (measured: train ppl printed 1.00): no estimate, not a perfect one
        if (score == 0 && training.equals("sharing")) return Double.NaN;
        if (!Double.isFinite(score)) throw new Divergence("the loss reported by the Spark workers is " + score);
        MultiDataSet last = round.get(round.size() - 1);
        if (segments) return score / Math.min(net.getConfiguration().getTbpttFwdLength(), last.getFeatures(0).size(2));
        return score * last.getFeatures(0).size(0) / Math.max(1, task.targets(last));
    }

    private SparkComputationGraph sparkNet(ComputationGraph net, Task task, int perWorker, int workers, GlobalNormClipping clipping) {
        MultiDataSet first = task.trainPieces(1, steps).next();
        int rows = (int) first.getFeatures(0).size(0);
        TrainingMaster<?, ?> tm;
        if (training.equals("averaging")) {
            tm = new ParameterAveragingTrainingMaster.Builder(rows)
                    .batchSizePerWorker(rows)
                    .averagingFrequency(perWorker)
                    .workerPrefetchNumBatches(0)
                    .saveUpdater(true)                       // Adam's moments are averaged too, so a round resumes them
                    .repartionData(Repartition.Never)        // parallelize already gave each worker its own pieces
                    .rddTrainingApproach(RDDTrainingApproach.Direct)
                    .build();
        } else {
            VoidConfiguration voidConf = VoidConfiguration.builder()
                    .unicastPort(Integer.getInteger("rnnzoo.spark.port", 40123))
                    .networkMask(System.getProperty("rnnzoo.spark.networkMask", "127.0.0.0/8"))
                    .controllerAddress(System.getProperty("rnnzoo.spark.controller", "127.0.0.1"))
                    .build();
            // the adaptive default threshold barely moved the weights here; a fixed one learns (docs/spark.md)
            tm = new SharedTrainingMaster.Builder(voidConf, rows)
                    .thresholdAlgorithm(new FixedThresholdAlgorithm(threshold))
                    .batchSizePerWorker(rows)
                    .workersPerNode(1)
                    .workerPrefetchNumBatches(0)
                    .repartitionData(Repartition.Never)
                    .rddTrainingApproach(RDDTrainingApproach.Direct)
                    .build();
        }
        SparkComputationGraph s = new SparkComputationGraph(sc, net, tm);
        List<TrainingListener> all = new ArrayList<>();
        all.add(clipping);
        all.addAll(listeners);
        if (router != null) s.setListeners(router, all);
        else s.setListeners(all);
        return s;
    }

    @Override
    public void close() {
        if (sparkNet != null) sparkNet.getTrainingMaster().deleteTempFiles(sc);
        sc.stop();
    }
}
