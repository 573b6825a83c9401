package org.rnnzoo.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnnzoo.common.StagedFile;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.layers.GradientProbe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The vanishing-gradient measurement of the lecture: how strongly the loss at the last step of a
 * window reaches back to each earlier step. For every recurrent layer, ‖∂L_T/∂x_t‖ where x_t is the
 * layer's input at step t (for layer l ≥ 1 of a plain stack, the output h_t of layer l−1), L_T the
 * cross-entropy of the last step's target only (label mask 1 there, 0 elsewhere), averaged over
 * the examples of {@code batches} random windows of real text. The gradient is read from a
 * {@link GradientProbe} put on the edge into each recurrent layer of a copy of the network (same
 * parameters, standard backprop over the window from a zero state, dropout off).
 */
public final class GradientFlow {
    /** What the numbers are, written into gradients.json. */
    public static final String QUANTITY = "mean over examples of ||dL_T/dx_t||_2, x_t = the recurrent layer's input at step t = T-1-distance,"
            + " L_T = cross-entropy of the last step's target only (per example, not divided by the batch)";
    private static final String PROBE = "/probe";

    private GradientFlow() {}

    /** One curve set: a model in one state (fresh or trained), norms by distance back from the loss for each recurrent layer. */
    public record Curves(String model, String state, String source, String dataset, Map<String, double[]> norms) {}

    /**
     * Norms by distance d = 0 … steps−1 back from the loss, per recurrent layer (in graph order).
     *
     * @param ids a split's token ids; windows of steps+1 tokens start at random positions (seeded)
     */
    public static Map<String, double[]> measure(ComputationGraph net, int[] ids, int steps, int batches, int batchSize, long seed) {
        if (ids.length < steps + 1)
            throw new ZooException("--steps " + steps + " needs at least " + (steps + 1) + " tokens; the split has " + ids.length);
        List<String> recurrent = recurrentLayers(net);
        ComputationGraph probed = withProbes(net, recurrent);

        Map<String, double[]> sums = new LinkedHashMap<>();
        for (String r : recurrent) sums.put(r, new double[steps]);
        Random random = new Random(seed);
        DataType type = net.getConfiguration().getDataType();
        for (int n = 0; n < batches; n++) {
            float[] x = new float[batchSize * steps], y = new float[batchSize * steps], m = new float[batchSize * steps];
            for (int b = 0; b < batchSize; b++) {
                int start = random.nextInt(ids.length - steps);
                for (int s = 0; s < steps; s++) {
                    x[b * steps + s] = ids[start + s];
                    y[b * steps + s] = ids[start + s + 1];
                }
                m[b * steps + steps - 1] = 1f;   // the loss at the last step only
            }
            probed.setInputs(Nd4j.create(x, new long[]{batchSize, 1, steps}, DataType.FLOAT).castTo(type));
            probed.setLabels(Nd4j.create(y, new long[]{batchSize, 1, steps}, DataType.FLOAT).castTo(type));
            probed.setLayerMaskArrays(null, new INDArray[]{Nd4j.create(m, new long[]{batchSize, steps}, DataType.FLOAT).castTo(type)});
            probed.computeGradientAndScore();
            for (String r : recurrent) {
                INDArray eps = ((GradientProbe.Runtime) probed.getVertex(r + PROBE)).recorded();   // [batch, features, time]
                // DL4J's score is the mean over the batch: × batch gives each example's own gradient
                INDArray perExample = eps.norm2(1).muli(batchSize);                                 // [batch, time]
                INDArray mean = perExample.mean(0);
                double[] s = sums.get(r);
                for (int t = 0; t < steps; t++) s[steps - 1 - t] += mean.getDouble(t) / batches;
            }
        }
        return sums;
    }

    /** The recurrent layers of {@code net}, in graph order. */
    static List<String> recurrentLayers(ComputationGraph net) {
        List<String> recurrent = new ArrayList<>();
        for (String name : net.getConfiguration().getTopologicalOrderStr()) {
            GraphVertex v = net.getConfiguration().getVertices().get(name);
            if (v instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof BaseRecurrentLayer) recurrent.add(name);
        }
        if (recurrent.isEmpty()) throw new ZooException("no recurrent layer in the network: nothing to measure");
        return recurrent;
    }

    /** A copy of {@code net} ({@link GradientProbe#copyWith}) with a probe (name {@code LAYER/probe}) on the edge into each of {@code recurrent}. */
    static ComputationGraph withProbes(ComputationGraph net, List<String> recurrent) {
        List<GradientProbe.Placement> probes = new ArrayList<>();
        for (String r : recurrent) {
            List<String> in = net.getConfiguration().getVertexInputs().get(r);
            if (in.size() != 1) throw new ZooException("recurrent layer " + r + " reads " + in + "; the probe needs one input");
            probes.add(new GradientProbe.Placement(r + PROBE, in.get(0), List.of(r)));
        }
        return GradientProbe.copyWith(net, probes);
    }

    /** Writes {@code dir/gradients.json} and the log-scale {@code dir/gradients.png} (norms relative to distance 0). */
    public static void write(Path dir, Map<String, Object> settings, List<Curves> curves) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("quantity", QUANTITY);
        json.putAll(settings);
        List<Map<String, Object>> models = new ArrayList<>();
        for (Curves c : curves) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", c.model());
            m.put("state", c.state());
            m.put("source", c.source());
            m.put("dataset", c.dataset());
            Map<String, Object> layers = new LinkedHashMap<>();
            c.norms().forEach((layer, norms) -> {
                Map<String, Object> l = new LinkedHashMap<>();
                l.put("norms", norms);
                l.put("relative", relative(norms));
                layers.put(layer, l);
            });
            m.put("layers", layers);
            models.add(m);
        }
        json.put("models", models);
        try {
            Files.createDirectories(dir);
            try (StagedFile tmp = StagedFile.beside(dir.resolve("gradients.json"))) {
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.path().toFile(), json);
                tmp.commit();
            }
            plot(dir.resolve("gradients.png"), curves);
        } catch (IOException e) {
            throw new ZooException("cannot write " + dir + ": " + ZooException.reason(e), e);
        }
    }

    static double[] relative(double[] norms) {
        double[] r = new double[norms.length];
        for (int d = 0; d < norms.length; d++) r[d] = norms[0] > 0 ? norms[d] / norms[0] : Double.NaN;
        return r;
    }

    private static void plot(Path png, List<Curves> curves) throws IOException {
        System.setProperty("java.awt.headless", "true");
        // the legend sits below the plot, a line per curve: the picture grows with it so the plot keeps its size
        int series = curves.stream().mapToInt(c -> c.norms().size()).sum();
        XYChart chart = new XYChartBuilder().width(900).height(460 + 21 * series).title("How far back the last step's loss reaches")
                .xAxisTitle("steps back from the loss (T - t)").yAxisTitle("||dL_T/dx_t|| / ||dL_T/dx_T|| (log scale)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        for (Curves c : curves) {
            c.norms().forEach((layer, norms) -> {
                double[] rel = relative(norms);
                List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
                for (int d = 0; d < rel.length; d++)
                    if (rel[d] > 0 && Double.isFinite(rel[d])) { xs.add((double) d); ys.add(rel[d]); }   // a log axis takes positive values only
                // a checkpoint's curves name the file, so its fresh copy and a fresh model by name stay apart
                String label = c.model() + " " + c.state() + (c.source().equals(c.model()) ? "" : " [" + Path.of(c.source()).getFileName() + "]");
                String name = label + " " + layer;
                for (int k = 2; chart.getSeriesMap().containsKey(name); k++) name = label + " (" + k + ") " + layer;
                if (!xs.isEmpty()) chart.addSeries(name, xs, ys).setMarker(SeriesMarkers.NONE);
            });
        }
        if (chart.getSeriesMap().isEmpty()) return;
        CurvePlot.save(chart, png);
    }
}
