package org.rnnzoo.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.rnnzoo.common.StagedFile;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.data.BatchifiedTokenStream;
import org.rnnzoo.layers.FastSimpleRnn;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The lecture's exploding-gradient demonstration: a vanilla RNN whose recurrent matrix starts as
 * ρ·Q (Q orthogonal, so every eigenvalue has modulus ρ: spectral radius ρ &gt; 1), trained step by
 * step on real text twice from the same weights, once without and once with global-norm clipping.
 * Each step records the training loss and the gradient's global norm before clipping, so the plot
 * shows the spike, the NaN without clipping, and the recovery with it (Pascanu et al. 2013).
 */
public final class ExplodingGradients {
    private ExplodingGradients() {}

    /** One training run: per step the loss (nats per target) and the batch-mean gradient norm before clipping. */
    public record Run(String label, double clip, List<Double> loss, List<Double> gradNorm, Integer divergedAt, String divergence) {}

    /**
     * Trains {@code steps} TBPTT segments of {@code ids} (batch rows × bptt, each segment from a zero state).
     *
     * @param fresh builds the same freshly initialised network each call (the recurrent matrices are then set to ρ·Q)
     */
    public static Run train(String label, Supplier<ComputationGraph> fresh, double radius, long seed, int[] ids, int batch, int bptt,
                            int steps, double clip) {
        ComputationGraph net = fresh.get();
        setSpectralRadius(net, radius, seed);
        GlobalNormClipping clipping = new GlobalNormClipping(clip);
        net.setListeners(clipping);
        List<Double> loss = new ArrayList<>(), norms = new ArrayList<>();
        BatchifiedTokenStream stream = new BatchifiedTokenStream(ids, batch, bptt);
        for (int step = 1; step <= steps; step++) {
            if (!stream.hasNext()) stream.reset();
            MultiDataSet ds = stream.next();
            long targets = ds.getFeatures(0).size(0) * ds.getFeatures(0).size(ds.getFeatures(0).rank() - 1);
            try {
                net.rnnClearPreviousState();
                net.fit(ds);
            } catch (Divergence d) {
                // the norm (or the loss) left the doubles: what happens without clipping once it explodes
                loss.add(Double.NaN);
                norms.add(clipping.lastNorm());
                return new Run(label, clip, loss, norms, step, d.getMessage());
            }
            double perTarget = net.score() * ds.getFeatures(0).size(0) / targets;
            loss.add(perTarget);
            norms.add(clipping.lastNorm());
            if (!Double.isFinite(perTarget)) return new Run(label, clip, loss, norms, step, "the loss is " + perTarget);
        }
        return new Run(label, clip, loss, norms, null, null);
    }

    /** Sets every vanilla-RNN layer's recurrent matrix (DL4J key RW) to ρ·Q with Q a seeded random orthogonal matrix. */
    public static void setSpectralRadius(ComputationGraph net, double radius, long seed) {
        Random random = new Random(seed);
        int found = 0;
        for (Layer layer : net.getLayers()) {
            // vanilla RNN layers only (ours or DL4J's): an LSTM's RW holds four gates
            var conf = layer.conf().getLayer();
            if (!(conf instanceof FastSimpleRnn || conf instanceof SimpleRnn)) continue;
            INDArray rw = layer.paramTable().get("RW");
            rw.assign(orthogonal((int) rw.rows(), random).muli(radius).castTo(rw.dataType()));
            found++;
        }
        if (found == 0) throw new ZooException("the network has no vanilla RNN layer whose recurrent matrix could be set (use rnn-lm, or a deep stack with cell=rnn)");
    }

    /** A random orthogonal n×n matrix: Gram-Schmidt on Gaussian columns (in double; n is a layer width). */
    static INDArray orthogonal(int n, Random random) {
        double[][] q = new double[n][];
        for (int j = 0; j < n; j++) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) v[i] = random.nextGaussian();
            // twice, for the orthogonality floating-point loses in one pass
            for (int pass = 0; pass < 2; pass++)
                for (int k = 0; k < j; k++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) dot += v[i] * q[k][i];
                    for (int i = 0; i < n; i++) v[i] -= dot * q[k][i];
                }
            double norm = 0;
            for (double x : v) norm += x * x;
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) v[i] /= norm;
            q[j] = v;
        }
        return Nd4j.createFromArray(q);
    }

    /** clipping.json (settings and every run's series) and clipping.png (loss and gradient norm against step). */
    public static void write(Path dir, Map<String, Object> settings, List<Run> runs) {
        try {
            Files.createDirectories(dir);
            Map<String, Object> json = new LinkedHashMap<>(settings);
            json.put("runs", runs);
            try (StagedFile tmp = StagedFile.beside(dir.resolve("clipping.json"))) {
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.path().toFile(), json);
                tmp.commit();
            }
            BufferedImage top = BitmapEncoder.getBufferedImage(chart(runs, true, settings));
            BufferedImage bottom = BitmapEncoder.getBufferedImage(chart(runs, false, settings));
            BufferedImage both = new BufferedImage(top.getWidth(), top.getHeight() + bottom.getHeight(), BufferedImage.TYPE_INT_RGB);
            Graphics2D g = both.createGraphics();
            g.drawImage(top, 0, 0, null);
            g.drawImage(bottom, 0, top.getHeight(), null);
            g.dispose();
            try (StagedFile tmp = StagedFile.beside(dir.resolve("clipping.png"))) {
                ImageIO.write(both, "png", tmp.path().toFile());
                tmp.commit();
            }
        } catch (IOException e) {
            throw new ZooException("cannot write " + dir + ": " + ZooException.reason(e), e);
        }
    }

    private static XYChart chart(List<Run> runs, boolean lossPanel, Map<String, Object> settings) {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(420)
                .title(lossPanel ? "Training loss per step, vanilla RNN with recurrent spectral radius " + settings.get("spectral_radius")
                        : "Gradient global norm per step, before clipping (log scale)")
                .xAxisTitle("step").yAxisTitle(lossPanel ? "loss, nats per target (log scale)" : "||g|| (log scale)").build();
        // both panels logarithmic: the unclipped spike is hundreds of nats, the clipped run's descent a few tenths
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setYAxisDecimalPattern(lossPanel ? "#,##0.#" : "0.#E0");
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.getStyler().setXAxisTickMarkSpacingHint(90);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        for (Run r : runs) {
            List<Double> ys = lossPanel ? r.loss() : r.gradNorm();
            List<Double> x = new ArrayList<>(), y = new ArrayList<>();
            for (int i = 0; i < ys.size(); i++) {
                double v = ys.get(i);
                if (Double.isFinite(v) && (lossPanel || v > 0)) { x.add(i + 1.0); y.add(v); }
            }
            if (x.isEmpty()) continue;
            String name = r.label() + (r.divergedAt() != null ? " (NaN at step " + r.divergedAt() + ")" : "");
            XYSeries s = chart.addSeries(name, x, y);
            s.setMarker(SeriesMarkers.NONE);
        }
        if (lossPanel && settings.get("uniform_loss") instanceof Double u && !runs.isEmpty()) {
            int n = runs.stream().mapToInt(r -> r.loss().size()).max().orElse(1);
            chart.addSeries(String.format("uniform guess, ln |V| = %.2f", u), new double[]{1, n}, new double[]{u, u}).setMarker(SeriesMarkers.NONE);
        }
        return chart;
    }
}
