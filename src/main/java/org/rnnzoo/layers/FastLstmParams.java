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
 * Gate blocks inside the 4·nOut columns: [g | f | o | i] (see {@link FastLstm}).
 */
public final class FastLstmParams implements ParamInitializer {
    public static final String INPUT_WEIGHT_KEY = "W";
    public static final String RECURRENT_WEIGHT_KEY = "RW";
    public static final String BIAS_KEY = "b";

    public static final FastLstmParams INSTANCE = new FastLstmParams();

    private static final List<String> KEYS = List.of(INPUT_WEIGHT_KEY, RECURRENT_WEIGHT_KEY, BIAS_KEY);
    private static final List<String> WEIGHT_KEYS = List.of(INPUT_WEIGHT_KEY, RECURRENT_WEIGHT_KEY);
    private static final List<String> BIAS_KEYS = List.of(BIAS_KEY);

    private FastLstmParams() {
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        FastLstm l = (FastLstm) layer;
        long h = l.getNOut();
        return l.getNIn() * 4 * h + h * 4 * h + 4 * h;
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return KEYS;
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return WEIGHT_KEYS;
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return BIAS_KEYS;
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return WEIGHT_KEYS.contains(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return BIAS_KEY.equals(key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        FastLstm l = (FastLstm) conf.getLayer();
        long nIn = l.getNIn(), h = l.getNOut();
        conf.addVariable(INPUT_WEIGHT_KEY);
        conf.addVariable(RECURRENT_WEIGHT_KEY);
        conf.addVariable(BIAS_KEY);
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
        }
        return Collections.synchronizedMap(views);
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return split(conf, gradientView);
    }

    /** Views of W ('f' order [nIn, 4h]), RW ('f' order [h, 4h]) and b ([4h]) into a flat row vector. */
    private Map<String, INDArray> split(NeuralNetConfiguration conf, INDArray flat) {
        FastLstm l = (FastLstm) conf.getLayer();
        long nIn = l.getNIn(), h = l.getNOut();
        long nW = nIn * 4 * h, nRW = h * 4 * h, nB = 4 * h;
        if (flat.length() != nW + nRW + nB) {
            throw new IllegalStateException("expected a parameter view of length " + (nW + nRW + nB) + ", got " + flat.length());
        }
        Map<String, INDArray> out = new LinkedHashMap<>();
        out.put(INPUT_WEIGHT_KEY, range(flat, 0, nW).reshape('f', nIn, 4 * h));
        out.put(RECURRENT_WEIGHT_KEY, range(flat, nW, nW + nRW).reshape('f', h, 4 * h));
        out.put(BIAS_KEY, range(flat, nW + nRW, nW + nRW + nB)); // [4h], as DL4J M2.1 has it
        return out;
    }

    /** Elements [from, to) of a flat parameter vector ([n] or [1, n]) as a rank-1 view. */
    private static INDArray range(INDArray flat, long from, long to) {
        return flat.rank() == 1
                ? flat.get(NDArrayIndex.interval(from, to))
                : flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(from, to));
    }
}
