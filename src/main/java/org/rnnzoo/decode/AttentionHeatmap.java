package org.rnnzoo.decode;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.rnnzoo.common.Heatmap;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A heatmap of attention weights (XChart, headless): source tokens along x, target tokens down y. */
public final class AttentionHeatmap {
    private AttentionHeatmap() {}

    /** @param weights {@code [target][source]}, as {@link AttentionWeights#of} returns them */
    public static void write(Path png, String title, List<String> source, List<String> target, double[][] weights) {
        Heatmap.write(png, title, "source", numbered(source), "target", numbered(target), weights, CELL, false);
    }

    /** The same map as an image, e.g. a notebook cell's output. */
    public static BufferedImage image(String title, List<String> source, List<String> target, double[][] weights) {
        HeatMapChart chart = Heatmap.chart(title, "source", numbered(source), "target", numbered(target), weights, CELL, false);
        return BitmapEncoder.getBufferedImage(chart);
    }

    private static final int CELL = 52;

    /** "1 A", "2 B", ...: a token may occur twice, and XChart needs distinct labels. */
    private static List<String> numbered(List<String> tokens) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) out.add((i + 1) + " " + tokens.get(i));
        return out;
    }
}
