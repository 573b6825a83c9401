package org.rnnzoo.decode;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.rnnzoo.common.StagedFile;
import org.rnnzoo.common.ZooException;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A PNG heatmap of attention weights (XChart, headless): source tokens along x, target tokens down y. */
public final class AttentionHeatmap {
    private AttentionHeatmap() {}

    /** @param weights {@code [target][source]}, as {@link AttentionWeights#of} returns them */
    public static void write(Path png, String title, List<String> source, List<String> target, double[][] weights) {
        System.setProperty("java.awt.headless", "true");
        // XChart draws y upwards; list the target bottom-up so it reads top-down like a sentence
        List<String> ys = new ArrayList<>();
        for (int t = target.size() - 1; t >= 0; t--) ys.add((t + 1) + " " + target.get(t));
        List<String> xs = new ArrayList<>();
        for (int s = 0; s < source.size(); s++) xs.add((s + 1) + " " + source.get(s));
        List<Number[]> cells = new ArrayList<>();
        for (int t = 0; t < target.size(); t++)
            for (int s = 0; s < source.size(); s++) cells.add(new Number[]{s, target.size() - 1 - t, weights[t][s]});
        HeatMapChart chart = new HeatMapChartBuilder().width(Math.max(400, 60 * source.size() + 200))
                .height(Math.max(300, 45 * target.size() + 150)).title(title).xAxisTitle("source").yAxisTitle("target").build();
        chart.getStyler().setRangeColors(new Color[]{Color.WHITE, new Color(0x3b, 0x6e, 0xb4), new Color(0x0b, 0x1d, 0x51)});
        chart.getStyler().setMin(0).setMax(1);
        chart.getStyler().setShowValue(false);
        chart.addSeries("attention", xs, ys, cells);
        try (StagedFile tmp = StagedFile.beside(png)) {
            try (OutputStream out = Files.newOutputStream(tmp.path())) {
                BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
            }
            tmp.commit();
        } catch (IOException e) {
            throw new ZooException("could not write " + png + ": " + e.getMessage());
        }
    }
}
