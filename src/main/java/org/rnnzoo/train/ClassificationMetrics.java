package org.rnnzoo.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Accuracy, macro-F1 and mean cross-entropy from a confusion matrix, as a classifier task reports
 * them. Macro-F1 averages the per-class F1 with equal weight (a class never predicted and never
 * true counts as F1 = 0, so an absent class is not a free point), which is what SST-5 papers mean.
 */
public final class ClassificationMetrics {
    private final long[][] confusion;   // [true][predicted]
    private double nll;
    private long count;

    public ClassificationMetrics(int classes) { this.confusion = new long[classes][classes]; }

    /** One example: its true class, the predicted class and the model's probability of the true class. */
    public void add(int truth, int predicted, double pTruth) {
        confusion[truth][predicted]++;
        nll -= Math.log(Math.max(pTruth, Float.MIN_NORMAL));
        count++;
    }

    public long count() { return count; }

    /** A copy of the counts, {@code [true][predicted]}. */
    public long[][] confusion() {
        long[][] copy = new long[confusion.length][];
        for (int c = 0; c < confusion.length; c++) copy[c] = confusion[c].clone();
        return copy;
    }

    public double accuracy() {
        long right = 0;
        for (int c = 0; c < confusion.length; c++) right += confusion[c][c];
        return count == 0 ? Double.NaN : (double) right / count;
    }

    public double macroF1() {
        double sum = 0;
        for (int c = 0; c < confusion.length; c++) {
            long tp = confusion[c][c], predicted = 0, actual = 0;
            for (int o = 0; o < confusion.length; o++) {
                predicted += confusion[o][c];
                actual += confusion[c][o];
            }
            sum += predicted + actual == 0 ? 0 : 2.0 * tp / (predicted + actual);
        }
        return sum / confusion.length;
    }

    public Map<String, Double> metrics(String unit) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("accuracy", accuracy());
        m.put("macro_f1", macroF1());
        m.put("loss", nll / Math.max(1, count));
        m.put(unit, (double) count);
        return m;
    }
}
