package org.rnnzoo.layers;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameters of {@link FastLstm}: the keys, shapes, flattening order (W, RW, b) and initialisation
 * of DL4J's {@code LSTMParamInitializer}, so parameter tables copy between the two layers as they are.
 * Gate blocks inside the 4·nOut columns: [g | f | o | i] (see {@link FastLstm}). A layer with an
 * initial-state width K &gt; 0 has W [nIn − K, 4·nOut] and two more parameters after b, W_b [K, nOut]
 * and b_b [nOut] (h0 = tanh(s·W_b + b_b)); with K = 0 the table is DL4J's, so older checkpoints load.
 */
public final class FastLstmParams implements ParamInitializer {
    public static final String INPUT_WEIGHT_KEY = "W";
    public static final String RECURRENT_WEIGHT_KEY = "RW";
    public static final String BIAS_KEY = "b";
    /** The initial-state projection of a layer with initialStateWidth K > 0: W_b [K, nOut], b_b [nOut]. */
    public static final String STATE_WEIGHT_KEY = "Wb", STATE_BIAS_KEY = "bb";

    public static final FastLstmParams INSTANCE = new FastLstmParams();

    private static final List<String> KEYS = List.of(INPUT_WEIGHT_KEY, RECURRENT_WEIGHT_KEY, BIAS_KEY);
    private static final List<String> WEIGHT_KEYS = List.of(INPUT_WEIGHT_KEY, RECURRENT_WEIGHT_KEY);
    private static final List<String> BIAS_KEYS = List.of(BIAS_KEY);
    private static final List<String> BRIDGED_KEYS = List.of(INPUT_WEIGHT_KEY, RECURRENT_WEIGHT_KEY, BIAS_KEY, STATE_WEIGHT_KEY, STATE_BIAS_KEY);
    private static final List<String> BRIDGED_WEIGHT_KEYS = List.of(INPUT_WEIGHT_KEY, RECURRENT_WEIGHT_KEY, STATE_WEIGHT_KEY);
    private static final List<String> BRIDGED_BIAS_KEYS = List.of(BIAS_KEY, STATE_BIAS_KEY);

    private FastLstmParams() {
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        FastLstm l = (FastLstm) layer;
        long h = l.getNOut(), k = l.getInitialStateWidth();
        return l.inputWidth() * 4 * h + h * 4 * h + 4 * h + k * h + (k > 0 ? h : 0);
    }

    private static boolean bridged(Layer layer) {
        return ((FastLstm) layer).getInitialStateWidth() > 0;
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return bridged(layer) ? BRIDGED_KEYS : KEYS;
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return bridged(layer) ? BRIDGED_WEIGHT_KEYS : WEIGHT_KEYS;
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return bridged(layer) ? BRIDGED_BIAS_KEYS : BIAS_KEYS;
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return weightKeys(layer).contains(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return biasKeys(layer).contains(key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        FastLstm l = (FastLstm) conf.getLayer();
        long nIn = l.inputWidth(), h = l.getNOut(), k = l.getInitialStateWidth();
        for (String key : paramKeys(l)) conf.addVariable(key);
        Map<String, INDArray> views = split(conf, paramsView);
        if (initializeParams) {
            // DL4J's LSTM uses fanIn = nOut, fanOut = nIn + nOut for both matrices; same here, so a
            // FastLstm starts from the same distribution as the LSTM it replaces.
            double fanIn = h, fanOut = nIn + h;
            IWeightInit wInit = l.getWeightInitFn();
            IWeightInit rwInit = l.getWeightInitFnRecurrent() != null ? l.getWeightInitFnRecurrent() : wInit;
            wInit.init(fanIn, fanOut, new long[]{nIn, 4 * h}, IWeightInit.DEFAULT_WEIGHT_INIT_ORDER, views.get(INPUT_WEIGHT_KEY));
            rwInit.init(fanIn, fanOut, new long[]{h, 4 * h}, IWeightInit.DEFAULT_WEIGHT_INIT_ORDER, views.get(RECURRENT_WEIGHT_KEY));
            INDArray b = views.get(BIAS_KEY);
            b.assign(l.getBiasInit());
            b.get(NDArrayIndex.interval(h, 2 * h)).assign(l.getForgetGateBiasInit()); // block f
            if (k > 0) {
                wInit.init(k, h, new long[]{k, h}, IWeightInit.DEFAULT_WEIGHT_INIT_ORDER, views.get(STATE_WEIGHT_KEY));
                views.get(STATE_BIAS_KEY).assign(l.getBiasInit());
            }
        }
        return Collections.synchronizedMap(views);
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return split(conf, gradientView);
    }

    /**
     * Views of W ('f' order [nIn − K, 4h]), RW ('f' order [h, 4h]), b ([4h]) and, with K &gt; 0, W_b
     * ('f' order [K, h]) and b_b ([h]) into a flat row vector.
     */
    private Map<String, INDArray> split(NeuralNetConfiguration conf, INDArray flat) {
        FastLstm l = (FastLstm) conf.getLayer();
        long nIn = l.inputWidth(), h = l.getNOut(), k = l.getInitialStateWidth();
        long nW = nIn * 4 * h, nRW = h * 4 * h, nB = 4 * h, nWb = k * h;
        long total = numParams(l);
        if (flat.length() != total) {
            throw new IllegalStateException("expected a parameter view of length " + total + ", got " + flat.length());
        }
        Map<String, INDArray> out = new LinkedHashMap<>();
        out.put(INPUT_WEIGHT_KEY, range(flat, 0, nW).reshape('f', nIn, 4 * h));
        out.put(RECURRENT_WEIGHT_KEY, range(flat, nW, nW + nRW).reshape('f', h, 4 * h));
        out.put(BIAS_KEY, range(flat, nW + nRW, nW + nRW + nB)); // [4h], as DL4J M2.1 has it
        if (k > 0) {
            long at = nW + nRW + nB;
            out.put(STATE_WEIGHT_KEY, range(flat, at, at + nWb).reshape('f', k, h));
            out.put(STATE_BIAS_KEY, range(flat, at + nWb, at + nWb + h));
        }
        return out;
    }

    /** Elements [from, to) of a flat parameter vector ([n] or [1, n]) as a rank-1 view. */
    private static INDArray range(INDArray flat, long from, long to) {
        return flat.rank() == 1
                ? flat.get(NDArrayIndex.interval(from, to))
                : flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(from, to));
    }
}
