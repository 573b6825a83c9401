package org.rnnzoo.decode;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.rnnzoo.data.Seq2SeqPairIterator;

import java.util.List;

/**
 * Where, and how sharply, a seq2seq-attention network attends, pooled over every decoder step (row) of
 * many weight maps {@code [target step][source position]}. A collapsed attention puts nearly all its
 * weight on one position whatever the step (our first eng-fra models with score general: the last
 * source token); a monotone alignment (G2P, languages of similar word order) keeps its argmax near the
 * diagonal.
 *
 * @param examples   maps counted
 * @param rows       decoder steps counted: each target's tokens + 1 (the {@code <eos>} step)
 * @param lastWeight mean weight on the last source token
 * @param lastArgmax share of rows whose argmax is the last source token (a one-token source always counts)
 * @param maxWeight  mean of each row's largest weight
 * @param entropy    mean entropy of a row in nats: 0 for all weight on one token, ln S for uniform
 * @param diagonal   mean |argmax/(S−1) − t/(T−1)| of row t of T over S source tokens (a position is 0 when
 *                   S or T is 1): 0 when the argmax walks the diagonal, up to 1
 */
public record AttentionStatistics(int examples, long rows, double lastWeight, double lastArgmax, double maxWeight, double entropy,
                                  double diagonal) {

    /** The statistics of a network's attention vertex teacher-forced on these pairs' targets, {@code batch} pairs at a time. */
    public static AttentionStatistics of(ComputationGraph net, String vertex, List<Seq2SeqPairIterator.Pair> pairs, int batch) {
        return of(AttentionWeights.teacherForced(net, vertex, pairs, batch));
    }

    /** The statistics of weight maps, each row a distribution over its map's source; the argmax of a tie is the first. */
    public static AttentionStatistics of(List<double[][]> maps) {
        double last = 0, lastArg = 0, max = 0, entropy = 0, diagonal = 0;
        long rows = 0;
        for (double[][] w : maps) {
            int t = w.length;
            for (int r = 0; r < t; r++) {
                int s = w[r].length;
                if (s == 0 || s != w[0].length) throw new IllegalArgumentException("row " + r + " of a map has " + s + " source weights");
                int arg = 0;
                double e = 0;
                for (int j = 0; j < s; j++) {
                    if (w[r][j] > w[r][arg]) arg = j;
                    if (w[r][j] > 0) e -= w[r][j] * Math.log(w[r][j]);   // 0 log 0 = 0
                }
                last += w[r][s - 1];
                if (arg == s - 1) lastArg++;
                max += w[r][arg];
                entropy += e;
                diagonal += Math.abs(position(arg, s) - position(r, t));
                rows++;
            }
        }
        if (rows == 0) throw new IllegalArgumentException("no attention rows to summarise");
        return new AttentionStatistics(maps.size(), rows, last / rows, lastArg / rows, max / rows, entropy / rows, diagonal / rows);
    }

    /** Index i of n scaled to [0, 1]. */
    private static double position(int i, int n) { return n > 1 ? i / (double) (n - 1) : 0; }

    /** One line: the figures with their meaning. */
    public String describe() {
        return String.format("%,d decoder steps; mean weight on the last source token %.3f, argmax on it in %.1f%% of steps; "
                        + "mean max weight %.3f; mean entropy %.3f nats; mean |argmax position − step position| %.3f (0 = diagonal)",
                rows, lastWeight, 100 * lastArgmax, maxWeight, entropy, diagonal);
    }
}
