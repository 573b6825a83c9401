package org.rnnzoo.common;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;

import javax.imageio.ImageIO;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Column labels that would overlap their neighbours are drawn at an angle, and the picture makes room for them; short ones stay level. */
class HeatmapTest {
    private static final List<String> SST5 = List.of("very negative", "negative", "neutral", "positive", "very positive");
    private static final List<String> DIGITS = List.of("0", "1", "2", "3", "4");
    private static final Font FONT = new HeatMapChartBuilder().build().getStyler().getAxisTickLabelsFont();

    @Test
    void shortLabelsStayLevelLongOnesSlantAndTightColumnsTurnThemUpright() {
        assertEquals(0, Heatmap.columnLabelRotation(DIGITS, 70, FONT));
        assertEquals(0, Heatmap.columnLabelRotation(List.of("neutral"), 70, FONT), "a 7-letter word fits a 70-pixel column");
        assertEquals(45, Heatmap.columnLabelRotation(SST5, 70, FONT), "the confusion matrix's cells (ConfusionPlot: 70 pixels)");
        assertEquals(90, Heatmap.columnLabelRotation(SST5, 18, FONT), "a large confusion matrix's 18-pixel cells");
    }

    @Test
    void slantedLabelsGetRoomBelowThePlot(@TempDir Path dir) throws Exception {
        double[][] v = new double[5][5];
        for (int i = 0; i < 5; i++) v[i][i] = 0.6;
        HeatMapChart level = Heatmap.chart("t", "predicted", DIGITS, "true", DIGITS, v, 70, true);
        HeatMapChart slanted = Heatmap.chart("t", "predicted", SST5, "true", SST5, v, 70, true);
        assertEquals(0, level.getStyler().getXAxisLabelRotation());
        assertEquals(45, slanted.getStyler().getXAxisLabelRotation());
        assertTrue(slanted.getHeight() > level.getHeight(), slanted.getHeight() + " vs " + level.getHeight());
        Path png = dir.resolve("sst5.png");
        Heatmap.write(png, "SST-5 confusion", "predicted", SST5, "true", SST5, v, 70, true);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(slanted.getHeight(), image.getHeight());
    }
}
