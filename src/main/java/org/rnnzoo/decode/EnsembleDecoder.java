package org.rnnzoo.decode;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.rnnzoo.common.ZooException;

import java.util.List;

/**
 * Several encoder–decoder graphs over the same vocabularies decoded as one model: every member
 * encodes the sources once and steps on the same previous tokens, and the ensemble's next-token
 * log-probability is the members' mean (OpenNMT-py's ensemble decoding). A hypothesis's total is
 * then the mean of the members' log P(y | x), so beam search ranks outputs by that mean.
 */
final class EnsembleDecoder implements StepDecoder {
    private final List<IncrementalDecoder> members;

    EnsembleDecoder(List<ComputationGraph> nets) {
        if (nets.size() < 2) throw new IllegalArgumentException("an ensemble has at least two members");
        members = nets.stream().map(IncrementalDecoder::new).toList();
    }

    @Override
    public int start(List<int[]> sources, int copies) {
        int rows = 0;
        for (IncrementalDecoder m : members) rows = m.start(sources, copies);
        return rows;
    }

    @Override
    public float[][] step(int[] previous) {
        float[][] sum = members.get(0).step(previous);
        for (int i = 1; i < members.size(); i++) {
            float[][] next = members.get(i).step(previous);
            if (next[0].length != sum[0].length)
                throw new ZooException("ensemble members disagree on the target vocabulary: " + sum[0].length + " and " + next[0].length + " tokens");
            for (int r = 0; r < sum.length; r++) for (int k = 0; k < sum[r].length; k++) sum[r][k] += next[r][k];
        }
        float n = members.size();
        for (float[] row : sum) for (int k = 0; k < row.length; k++) row[k] /= n;
        return sum;
    }

    @Override
    public void reorder(int[] parents) { for (IncrementalDecoder m : members) m.reorder(parents); }

    @Override
    public void finish() { for (IncrementalDecoder m : members) m.finish(); }
}
