package org.rnnzoo.train;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import org.rnnzoo.StagedFile;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Training and validation perplexity against epochs, log scale, as a PNG (XChart, headless). */
public final class CurvePlot {
    private CurvePlot() {}

    public static void write(Path png, String title, List<Map<String, Object>> metrics, Map<String, Double> references) {
        System.setProperty("java.awt.headless", "true");
        List<Double> tx = new ArrayList<>(), ty = new ArrayList<>(), vx = new ArrayList<>(), vy = new ArrayList<>();
        for (Map<String, Object> m : metrics) {
            double x = ((Number) m.get("epoch")).doubleValue();
            if (m.get("train_ppl") instanceof Number n) { tx.add(x); ty.add(n.doubleValue()); }
            if (m.get("valid_ppl") instanceof Number n) { vx.add(x); vy.add(n.doubleValue()); }
        }
        if (tx.isEmpty() && vx.isEmpty()) return;
        double lo = Double.MAX_VALUE, hi = 0;
        for (List<Double> ys : List.of(ty, vy)) for (double y : ys) { lo = Math.min(lo, y); hi = Math.max(hi, y); }
        boolean log = hi / lo > 10;   // a log axis only pays off over a decade or more; it has too few ticks otherwise
        XYChart chart = new XYChartBuilder().width(900).height(560).title(title)
                .xAxisTitle("epoch").yAxisTitle(log ? "perplexity (log scale)" : "perplexity").build();
        chart.getStyler().setYAxisLogarithmic(log);
        chart.getStyler().setYAxisDecimalPattern("#,##0.##");
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        if (!tx.isEmpty()) chart.addSeries("train (mean over the epoch, while learning)", tx, ty).setMarker(SeriesMarkers.NONE);
        if (!vx.isEmpty()) chart.addSeries("validation", vx, vy).setMarker(SeriesMarkers.CIRCLE);
        double x0 = Math.min(tx.isEmpty() ? vx.get(0) : tx.get(0), vx.isEmpty() ? tx.get(0) : vx.get(0));
        double x1 = Math.max(tx.isEmpty() ? 0 : tx.get(tx.size() - 1), vx.isEmpty() ? 0 : vx.get(vx.size() - 1));
        references.forEach((name, value) -> {
            if (name.endsWith("ppl")) {
                XYSeries s = chart.addSeries(name.replace('_', ' '), new double[]{x0, x1}, new double[]{value, value});
                s.setMarker(SeriesMarkers.NONE);
            }
        });
        try (StagedFile tmp = StagedFile.beside(png)) {
            try (OutputStream out = Files.newOutputStream(tmp.path())) {
                BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
            }
            tmp.commit();
        } catch (IOException e) {
            System.err.println("warning: could not write " + png + ": " + e.getMessage());
        }
    }
}
