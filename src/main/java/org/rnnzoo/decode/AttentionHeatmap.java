package org.rnnzoo.decode;

import org.rnnzoo.common.Heatmap;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A PNG heatmap of attention weights (XChart, headless): source tokens along x, target tokens down y. */
public final class AttentionHeatmap {
    private AttentionHeatmap() {}

    /** @param weights {@code [target][source]}, as {@link AttentionWeights#of} returns them */
    public static void write(Path png, String title, List<String> source, List<String> target, double[][] weights) {
        List<String> ys = new ArrayList<>();
        for (int t = 0; t < target.size(); t++) ys.add((t + 1) + " " + target.get(t));
        List<String> xs = new ArrayList<>();
        for (int s = 0; s < source.size(); s++) xs.add((s + 1) + " " + source.get(s));
        Heatmap.write(png, title, "source", xs, "target", ys, weights, 52, false);
    }
}
