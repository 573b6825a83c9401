package org.rnnzoo.common;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;

import java.awt.Color;
import java.awt.Font;
import java.awt.font.FontRenderContext;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A labelled grid of values in [0, 1] as a PNG heatmap (XChart, headless), rows read top-down like a
 * table: attention weights (target × source), a confusion matrix (true × predicted). Written
 * through a staged file, so a reader never sees half a PNG.
 */
public final class Heatmap {
    private Heatmap() {}

    /**
     * The chart {@link #write} draws, for a caller that shows it rather than writes it (a notebook cell's image).
     *
     * @param values {@code [row][column]}, each in [0, 1]
     * @param cell   pixels per column and per row (the axes' labels need room)
     */
    public static HeatMapChart chart(String title, String columnTitle, List<String> columns, String rowTitle, List<String> rows,
                                     double[][] values, int cell, boolean showValues) {
        System.setProperty("java.awt.headless", "true");
        // XChart draws y upwards; list the rows bottom-up so the first row is at the top
        List<String> ys = new ArrayList<>();
        for (int r = rows.size() - 1; r >= 0; r--) ys.add(rows.get(r));
        List<Number[]> cells = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++)
            for (int c = 0; c < columns.size(); c++) cells.add(new Number[]{c, rows.size() - 1 - r, values[r][c]});
        // column labels wider than a column ("very negative" under a 70-pixel column) overlap their neighbours:
        // those are drawn at an angle, and the chart grows by what the slanted labels need below the plot
        Font font = new HeatMapChartBuilder().build().getStyler().getAxisTickLabelsFont();   // the theme's, known once a chart exists
        int rotation = columnLabelRotation(columns, cell, font);
        int below = (int) Math.ceil(widest(columns, font) * Math.sin(Math.toRadians(rotation)));
        HeatMapChart chart = new HeatMapChartBuilder().width(Math.max(400, cell * columns.size() + 200))
                .height(Math.max(300, cell * rows.size() + 150 + below)).title(title).xAxisTitle(columnTitle).yAxisTitle(rowTitle).build();
        chart.getStyler().setXAxisLabelRotation(rotation);
        chart.getStyler().setRangeColors(new Color[]{Color.WHITE, new Color(0x3b, 0x6e, 0xb4), new Color(0x0b, 0x1d, 0x51)});
        chart.getStyler().setMin(0).setMax(1);
        chart.getStyler().setShowValue(showValues);
        chart.addSeries(title, columns, ys, cells);
        return chart;
    }

    /**
     * The angle (degrees) at which to draw the column labels: 0 when the widest fits in a column of
     * {@code cell} pixels with a little room to spare; else 45, when neighbouring slanted labels, which
     * stand {@code cell}·sin 45° apart across their length, still clear a line of text; else 90.
     */
    static int columnLabelRotation(List<String> columns, int cell, Font font) {
        if (widest(columns, font) <= cell - LABEL_GAP) return 0;
        double line = font.getSize2D() * 1.5;   // a line of text with some leading
        return cell * Math.sin(Math.toRadians(45)) >= line ? 45 : 90;
    }

    /** Pixels kept free between two horizontal column labels. */
    private static final int LABEL_GAP = 6;

    /** The width in pixels of the widest label, as Java2D lays it out in {@code font}. */
    private static double widest(List<String> labels, Font font) {
        FontRenderContext frc = new FontRenderContext(null, true, true);
        double w = 0;
        for (String label : labels) w = Math.max(w, font.getStringBounds(label, frc).getWidth());
        return w;
    }

    /** {@link #chart} as a PNG file. */
    public static void write(Path png, String title, String columnTitle, List<String> columns, String rowTitle, List<String> rows,
                             double[][] values, int cell, boolean showValues) {
        HeatMapChart chart = chart(title, columnTitle, columns, rowTitle, rows, values, cell, showValues);
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
