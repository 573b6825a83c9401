package org.rnnzoo.decode;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.api.layers.RecurrentLayer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rnnzoo.data.Vocabulary;
import org.rnnzoo.layers.GlobalAttention;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The decoder half of an encoder–decoder graph run one target step at a time, over encoder states
 * computed once per source (fairseq's incremental decoding). The graph's inputs are the source ids
 * and the decoder's input ids (input 1); the decoder half is everything downstream of input 1. It
 * reads the rest of the graph at a few "cut" vertices: the encoder states (attention's keys,
 * {@code [b, H, S]}) and the encoder summary repeated along target time ({@code [b, H, T]}, the same
 * at every step). One teacher-forced pass of the whole graph with a one-step decoder input gives
 * both; a second graph made of the decoder half, with the cut vertices as its inputs and the trained
 * parameters copied in, then runs {@code rnnTimeStep}, its recurrent layers keeping their state.
 *
 * <p>Rows: each source occupies {@code copies} consecutive rows (beam slots). {@link #reorder} moves
 * recurrent state between rows of one source, as beam search needs.
 */
final class IncrementalDecoder implements StepDecoder {
    private final ComputationGraph full, steps;
    private final String decoderInput;
    /** The cut vertices, in the order of the step graph's inputs after the decoder input. */
    private final List<String> cuts;
    private INDArray[] cutValues;
    private INDArray keyMask;
    private int rows;

    IncrementalDecoder(ComputationGraph net) {
        this.full = net;
        ComputationGraphConfiguration conf = net.getConfiguration();
        decoderInput = conf.getNetworkInputs().get(1);
        // the decoder half: every vertex that reads the decoder input, directly or through others
        Set<String> half = new HashSet<>();
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Map.Entry<String, List<String>> e : conf.getVertexInputs().entrySet())
                if (!half.contains(e.getKey()) && e.getValue().stream().anyMatch(i -> i.equals(decoderInput) || half.contains(i)))
                    grew = half.add(e.getKey());
        }
        cuts = new ArrayList<>();
        for (String v : half)
            for (String i : conf.getVertexInputs().get(v))
                if (!i.equals(decoderInput) && !half.contains(i) && !cuts.contains(i)) cuts.add(i);
        ComputationGraphConfiguration c = conf.clone();
        Map<String, GraphVertex> vertices = new LinkedHashMap<>();
        Map<String, List<String>> inputs = new LinkedHashMap<>();
        for (String v : c.getVertices().keySet())
            if (half.contains(v)) {
                vertices.put(v, c.getVertices().get(v));
                inputs.put(v, c.getVertexInputs().get(v));
            }
        List<String> networkInputs = new ArrayList<>(List.of(decoderInput));
        networkInputs.addAll(cuts);
        c.setVertices(vertices);
        c.setVertexInputs(inputs);
        c.setNetworkInputs(networkInputs);
        steps = new ComputationGraph(c);
        steps.init();
        for (org.deeplearning4j.nn.graph.vertex.GraphVertex v : steps.getVertices())
            if (v.numParams() > 0) v.params().assign(full.getVertex(v.getVertexName()).params());
    }

    @Override
    public int start(List<int[]> sources, int copies) {
        int n = sources.size(), s = 1;
        for (int[] src : sources) s = Math.max(s, src.length);
        // a lone source is encoded beside a copy of itself: a [1, 1] mask broke DL4J's mask reshapes (docs/dl4j-notes.md)
        int m = Math.max(2, n);
        float[] x = new float[m * s], xm = new float[m * s], d = new float[m];
        for (int i = 0; i < m; i++) {
            int[] src = sources.get(Math.min(i, n - 1));
            for (int k = 0; k < src.length; k++) {
                x[i * s + k] = src[k];
                xm[i * s + k] = 1f;
            }
            d[i] = Vocabulary.BOS_ID;
        }
        INDArray mask = Nd4j.create(xm, new long[]{m, s}, DataType.FLOAT);
        full.clear();   // fit() or an earlier call may have left labels and masks set (docs/dl4j-notes.md)
        full.setLayerMaskArrays(new INDArray[]{mask, Nd4j.ones(DataType.FLOAT, m, 1)}, null);
        Map<String, INDArray> acts = full.feedForward(new INDArray[]{Nd4j.create(x, new long[]{m, s}, DataType.FLOAT),
                Nd4j.create(d, new long[]{m, 1, 1}, DataType.FLOAT)}, false, false);
        full.clear();
        cutValues = new INDArray[cuts.size()];
        for (int i = 0; i < cuts.size(); i++) cutValues[i] = perRow(acts.get(cuts.get(i)), n, copies);
        keyMask = perRow(mask, n, copies);
        rows = n * copies;
        steps.rnnClearPreviousState();
        return rows;
    }

    /** Each of the first n sources' slice of {@code x}, repeated {@code copies} times along the batch. */
    private static INDArray perRow(INDArray x, int n, int copies) {
        INDArray first = x.get(NDArrayIndex.interval(0, n)).dup();
        return copies == 1 ? first : first.repeat(0, copies);
    }

    @Override
    public float[][] step(int[] previous) {
        float[] d = new float[rows];
        for (int i = 0; i < rows; i++) d[i] = previous[i];
        INDArray[] in = new INDArray[1 + cutValues.length];
        in[0] = Nd4j.create(d, new long[]{rows, 1, 1}, DataType.FLOAT);
        System.arraycopy(cutValues, 0, in, 1, cutValues.length);
        // rnnTimeStep passes no masks, and an attention vertex keeps the last ones it was given: give it the source's
        for (org.deeplearning4j.nn.graph.vertex.GraphVertex v : steps.getVertices())
            if (v instanceof GlobalAttention) v.feedForwardMaskArrays(new INDArray[]{null, keyMask}, MaskState.Active, rows);
        INDArray probs = steps.rnnTimeStep(in)[0];
        if (probs.rank() == 3) probs = probs.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(0));
        float[][] out = probs.castTo(DataType.FLOAT).toFloatMatrix();
        for (float[] row : out)
            for (int k = 0; k < row.length; k++) row[k] = (float) Math.log(Math.max(row[k], Float.MIN_NORMAL));
        return out;
    }

    @Override
    public void reorder(int[] parents) {
        for (Layer l : steps.getLayers()) {
            if (!(l instanceof RecurrentLayer)) continue;
            String name = l.conf().getLayer().getLayerName();
            Map<String, INDArray> state = steps.rnnGetPreviousState(name), moved = new LinkedHashMap<>();
            if (state == null) continue;
            state.forEach((k, v) -> moved.put(k, Nd4j.pullRows(v, 1, parents)));
            steps.rnnSetPreviousState(name, moved);
        }
    }

    /** Frees the step graph's state (the trained network is left as it was). */
    @Override
    public void finish() { steps.rnnClearPreviousState(); }
}
