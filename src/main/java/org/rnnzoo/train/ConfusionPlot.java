package org.rnnzoo.train;

import org.rnnzoo.common.Heatmap;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A confusion matrix as a PNG heatmap: true class down, predicted class across, each row divided by
 * its count (so a cell is the share of that class's examples predicted as the column's class, and
 * the diagonal is the per-class recall); row labels carry the counts. Classes that are neither true
 * nor predicted anywhere in the split are left out (most of Brown's rare tags in a small split).
 */
public final class ConfusionPlot {
    private ConfusionPlot() {}

    /** @param confusion {@code [true][predicted]} counts, as {@link ClassificationMetrics#confusion()} gives them */
    public static void write(Path png, String title, List<String> labels, long[][] confusion) {
        List<Integer> shown = new ArrayList<>();
        for (int c = 0; c < labels.size(); c++) {
            long any = 0;
            for (int o = 0; o < labels.size(); o++) any += confusion[c][o] + confusion[o][c];
            if (any > 0) shown.add(c);
        }
        List<String> rows = new ArrayList<>(), columns = new ArrayList<>();
        double[][] share = new double[shown.size()][shown.size()];
        for (int r = 0; r < shown.size(); r++) {
            long n = 0;
            for (long x : confusion[shown.get(r)]) n += x;
            rows.add(String.format("%s (%,d)", labels.get(shown.get(r)), n));
            columns.add(labels.get(shown.get(r)));
            // two decimals: the cells print their value when the grid is small
            for (int c = 0; c < shown.size(); c++) share[r][c] = n == 0 ? 0 : Math.round(100.0 * confusion[shown.get(r)][shown.get(c)] / n) / 100.0;
        }
        boolean small = shown.size() <= 12;
        Heatmap.write(png, title, "predicted", columns, "true (count)", rows, share, small ? 70 : 18, small);
    }
}
