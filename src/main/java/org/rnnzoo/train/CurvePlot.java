package org.rnnzoo.train;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import org.rnnzoo.common.StagedFile;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The training figure and the validation metric against epochs, as a PNG (XChart, headless): for
 * a language model train and valid perplexity, for a classifier train loss and valid accuracy
 * (then on two y axes, since they have different units).
 */
public final class CurvePlot {
    private CurvePlot() {}

    public static void write(Path png, String title, List<Map<String, Object>> metrics, String trainMetric, String validMetric,
                             Map<String, Double> references) {
        System.setProperty("java.awt.headless", "true");
        List<Double> tx = new ArrayList<>(), ty = new ArrayList<>(), vx = new ArrayList<>(), vy = new ArrayList<>();
        for (Map<String, Object> m : metrics) {
            double x = ((Number) m.get("epoch")).doubleValue();
            if (m.get("train_" + trainMetric) instanceof Number n) { tx.add(x); ty.add(n.doubleValue()); }
            if (m.get("valid_" + validMetric) instanceof Number n) { vx.add(x); vy.add(n.doubleValue()); }
        }
        if (tx.isEmpty() && vx.isEmpty()) return;
        boolean sameUnit = trainMetric.equals(validMetric);
        double lo = Double.MAX_VALUE, hi = 0;
        for (List<Double> ys : sameUnit ? List.of(ty, vy) : List.of(vy)) for (double y : ys) { lo = Math.min(lo, y); hi = Math.max(hi, y); }
        // a log axis only pays off over a decade or more of positive values; it has too few ticks otherwise
        boolean log = lo > 0 && hi / lo > 10;
        String unit = name(validMetric);
        XYChart chart = new XYChartBuilder().width(900).height(560).title(title)
                .xAxisTitle("epoch").yAxisTitle(log ? unit + " (log scale)" : unit).build();
        chart.getStyler().setYAxisLogarithmic(log);
        chart.getStyler().setYAxisDecimalPattern("#,##0.##");
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        if (!tx.isEmpty()) {
            XYSeries train = chart.addSeries("train " + name(trainMetric) + " (mean over the epoch, while learning)", tx, ty);
            train.setMarker(SeriesMarkers.NONE);
            if (!sameUnit) {
                train.setYAxisGroup(1);
                chart.setYAxisGroupTitle(1, "train " + name(trainMetric));
            }
        }
        if (!vx.isEmpty()) chart.addSeries("validation " + unit, vx, vy).setMarker(SeriesMarkers.CIRCLE);
        double x0 = Math.min(tx.isEmpty() ? vx.get(0) : tx.get(0), vx.isEmpty() ? tx.get(0) : vx.get(0));
        double x1 = Math.max(tx.isEmpty() ? 0 : tx.get(tx.size() - 1), vx.isEmpty() ? 0 : vx.get(vx.size() - 1));
        references.forEach((name, value) -> {
            if (name.endsWith(validMetric)) {
                XYSeries s = chart.addSeries(name.replace('_', ' '), new double[]{x0, x1}, new double[]{value, value});
                s.setMarker(SeriesMarkers.NONE);
            }
        });
        try {
            save(chart, png);
        } catch (IOException e) {
            System.err.println("warning: could not write " + png + ": " + e.getMessage());
        }
    }

    /** A chart as a PNG, through a temporary file beside it (a reader never sees half a picture). */
    public static void save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path png) throws IOException {
        try (StagedFile tmp = StagedFile.beside(png)) {
            try (OutputStream out = Files.newOutputStream(tmp.path())) {
                BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
            }
            tmp.commit();
        }
    }

    /** A metric key as people read it: ppl → perplexity, wer → word error rate. */
    public static String name(String metric) {
        return switch (metric) {
            case "ppl" -> "perplexity";
            case "wer" -> "word error rate";
            case "macro_f1" -> "macro-F1";
            default -> metric.replace('_', ' ');
        };
    }
}
