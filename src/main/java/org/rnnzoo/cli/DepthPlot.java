package org.rnnzoo.cli;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.rnnzoo.train.CurvePlot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The depth study's picture: test perplexity against depth, one line per cell and connection (RNN lines dashed). */
final class DepthPlot {
    static final String FILE = "depth.png";

    private DepthPlot() {}

    /** Draws every stored row of {@code rows} (JSON files in {@code dir}); returns false when none is stored. */
    static boolean write(Path dir, List<ResultsTables.Row> rows) {
        Map<String, List<double[]>> lines = new LinkedHashMap<>();
        for (ResultsTables.Row r : rows) {
            Path p = dir.resolve(r.id() + ".json");
            if (!Files.isRegularFile(p)) continue;
            Object ppl = ReproduceCommand.readJson(p).get("test_ppl");
            if (!(ppl instanceof Number n)) continue;
            String[] id = r.id().split("-");   // cell-connection-depth
            String line = (id[0].equals("lstm") ? "LSTM " : "RNN ") + id[1];
            lines.computeIfAbsent(line, k -> new ArrayList<>()).add(new double[]{Integer.parseInt(id[2]), n.doubleValue()});
        }
        if (lines.isEmpty()) return false;
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(560)
                .title("PTB test perplexity against depth, same budget per row (zoo reproduce depth)")
                .xAxisTitle("recurrent layers").yAxisTitle("test perplexity").build();
        // linear: the rows span less than a decade, where XChart's log axis labels no tick
        chart.getStyler().setYAxisDecimalPattern("#,##0");
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        lines.forEach((name, points) -> {
            points.sort((a, b) -> Double.compare(a[0], b[0]));
            double[] x = points.stream().mapToDouble(a -> a[0]).toArray(), y = points.stream().mapToDouble(a -> a[1]).toArray();
            XYSeries s = chart.addSeries(name, x, y);
            s.setMarker(SeriesMarkers.CIRCLE);
            if (name.startsWith("RNN")) s.setLineStyle(SeriesLines.DASH_DASH);
        });
        Path png = dir.resolve(FILE);
        try {
            CurvePlot.save(chart, png);
        } catch (IOException e) {
            System.err.println("warning: could not write " + png + ": " + e.getMessage());
            return false;
        }
        return true;
    }
}
