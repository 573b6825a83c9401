package org.rnnzoo.ui;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnzoo.Zoo;
import org.rnnzoo.datasets.DatasetStore;
import org.rnnzoo.models.ModelCard;

import java.io.File;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * "--ui serves DL4J's training UI, and zoo ui RUN_DIR reopens it": a run trained with the UI on
 * keeps its stats in the run directory; served again, its overview page, rendered by headless
 * Chromium (Debian's {@code chromium}), shows the score chart drawn from the run's scores.
 */
class TrainingUiTest {
    @TempDir
    Path tmp;

    @Test
    void theOverviewPageDrawsTheScoreChartOfATrainedRun() throws Exception {
        String chromium = chromium();
        if (chromium == null) {
            // CI installs it (.ci/run); only a developer's machine without it may skip
            if (System.getenv("CI") != null) fail("chromium is not installed; .ci/run installs Debian's chromium package");
            assumeTrue(false, "headless browser test skipped: no chromium on PATH (apt-get install chromium)");
        }
        ModelCard card = Zoo.card("lstm-lm").withAll(List.of("grammar_tokens=12000", "hidden=16", "embedding=8", "epochs=1"));
        Path dir = tmp.resolve("run");
        int port = UiProbe.freePort();
        Zoo.train(card, dir, new PrintStream(OutputStream.nullOutputStream()), false, new DatasetStore(), new Zoo.Where(null, port));
        assertTrue(Files.size(dir.resolve(TrainingUi.STATS_FILE)) > 0);

        try (TrainingUi ui = TrainingUi.forFinishedRun(dir, port)) {
            JsonNode scores = UiProbe.scores(port);
            assertTrue(scores.size() > 0, "no scores in the overview data");
            String dom = dumpDom(chromium, ui.url());
            int chart = dom.indexOf("id=\"scoreiterchart\"");
            assertTrue(chart >= 0, "no score chart in the page: " + dom.substring(0, Math.min(2000, dom.length())));
            String chartHtml = dom.substring(chart, Math.min(dom.length(), chart + 20000));
            // flot draws the series on a canvas and writes its axes' tick labels and legend into the DOM
            assertTrue(chartHtml.contains("flot-base"), "the score chart was not drawn: " + chartHtml);
            assertTrue(chartHtml.contains("legendLabel\">score<"), "no score series in the chart's legend: " + chartHtml);
            // the x axis spans the iterations the scores were recorded at: its last tick is past the first
            List<Double> xTicks = new ArrayList<>();
            Matcher m = Pattern.compile("flot-x-axis.*?</div></div>", Pattern.DOTALL).matcher(chartHtml);
            assertTrue(m.find(), "no x axis: " + chartHtml);
            Matcher t = Pattern.compile(">([0-9.]+)</div>").matcher(m.group());
            while (t.find()) xTicks.add(Double.parseDouble(t.group(1)));
            assertTrue(xTicks.size() >= 2 && xTicks.get(xTicks.size() - 1) > xTicks.get(0), "x ticks " + xTicks);
            Matcher updates = Pattern.compile("id=\"totalParamUpdates\">(\\d+)<").matcher(dom);
            assertTrue(updates.find(), "no parameter-update count on the page");
            assertTrue(Integer.parseInt(updates.group(1)) > 0);
        }
    }

    @Test
    void aRunTrainedWithoutTheUiHasNothingToReopen() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(org.rnnzoo.common.ZooException.class,
                () -> TrainingUi.forFinishedRun(tmp, 9));
        assertEquals("no training UI record in " + tmp + " (no ui-stats.bin): train with --ui to keep one", e.getMessage());
    }

    /** Debian's {@code chromium} on the PATH, or null. */
    static String chromium() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, "chromium");
            if (Files.isExecutable(p)) return p.toString();
        }
        return null;
    }

    /** The page's DOM after its scripts ran (virtual time lets the data requests and the chart finish). */
    static String dumpDom(String chromium, String url) throws Exception {
        Process p = new ProcessBuilder(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--virtual-time-budget=15000", "--dump-dom", url).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not finish");
        assertEquals(0, p.exitValue(), "chromium failed");
        return new String(out, java.nio.charset.StandardCharsets.UTF_8);
    }
}
