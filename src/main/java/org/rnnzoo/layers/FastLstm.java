package org.rnnzoo.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.api.layers.LayerConstraint;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Configuration of a standard LSTM layer (no peepholes; Greff et al. 2015, "LSTM: A Search Space
 * Odyssey", the "NP" variant): sigmoid gates, tanh cell input and output. It computes the same
 * function as DL4J's {@link org.deeplearning4j.nn.conf.layers.LSTM} with the default activations,
 * with the same parameters (W [nIn, 4·nOut], RW [nOut, 4·nOut], b [4·nOut] (rank 1 in M2.1), same initialisation),
 * but runs as {@link FastLstmLayer}: ND4J only for the matrix products, gate maths in Java.
 *
 * <p>Gate order inside the 4·nOut columns is DL4J's, so parameters copy one-to-one between the two
 * layers: {@code [cell input g (tanh) | forget f | output o | input i]}, each nOut wide.
 *
 * <p>Optional initial state from a summary ({@link #getInitialStateWidth() initialStateWidth} K &gt; 0): the
 * last K of the nIn input features carry a summary s (an encoder's final state, repeated along time),
 * and the layer starts from h0 = tanh(W_b s_0 + b_b), c0 = 0, reading s at step 0 only; W (then
 * [nIn − K, 4·nOut]) multiplies the first nIn − K features alone. This is Bahdanau et al. (2015,
 * appendix A.2.2)'s s0 = tanh(W_s h_1 backward), and Sutskever et al. / Luong et al.'s decoder started
 * from the encoder's state, made to fit a DL4J graph, whose recurrent layers take no initial-state
 * input. A stored state (rnnTimeStep, TBPTT) wins over the summary. K = 0 (the default, and what a
 * configuration JSON without the field means) is the plain LSTM.
 *
 * <p>Usable wherever a DL4J layer is: {@code graph.addLayer("lstm", new FastLstm.Builder().nIn(200).nOut(200).build(), "emb")};
 * its JSON (hence ModelSerializer checkpoints) names this class.
 */
public class FastLstm extends BaseRecurrentLayer {

    /** Initial value of the forget-gate bias; 1.0 keeps the gates open early in training (Gers et al. 2000; Jozefowicz et al. 2015). */
    private double forgetGateBiasInit = 1.0;
    /** K: the last K input features are a summary the initial state is made from (0 = off; see the class comment). */
    private int initialStateWidth = 0;

    /** For Jackson. */
    public FastLstm() {
    }

    protected FastLstm(Builder builder) {
        super(builder);
        this.forgetGateBiasInit = builder.forgetGateBiasInit;
        this.initialStateWidth = builder.initialStateWidth;
        initializeConstraints(builder);
    }

    public double getForgetGateBiasInit() {
        return forgetGateBiasInit;
    }

    public void setForgetGateBiasInit(double forgetGateBiasInit) {
        this.forgetGateBiasInit = forgetGateBiasInit;
    }

    public int getInitialStateWidth() {
        return initialStateWidth;
    }

    public void setInitialStateWidth(int initialStateWidth) {
        this.initialStateWidth = initialStateWidth;
    }

    /** Input features the input weights W multiply: nIn less the summary's K. */
    public long inputWidth() {
        return getNIn() - initialStateWidth;
    }

    @Override
    protected void initializeConstraints(org.deeplearning4j.nn.conf.layers.Layer.Builder<?> b) {
        super.initializeConstraints(b);
        Builder builder = (Builder) b;
        addConstraints(builder.recurrentConstraints(), FastLstmParams.RECURRENT_WEIGHT_KEY);
        addConstraints(builder.inputWeightConstraints(), FastLstmParams.INPUT_WEIGHT_KEY);
    }

    private void addConstraints(List<LayerConstraint> list, String param) {
        if (list == null) return;
        if (constraints == null) constraints = new ArrayList<>();
        for (LayerConstraint c : list) {
            LayerConstraint copy = c.clone();
            copy.setParams(Set.of(param));
            constraints.add(copy);
        }
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNInNOutSet("FastLstm", getLayerName(), layerIndex, getNIn(), getNOut());
        if (!(getActivationFn() == null || getActivationFn() instanceof ActivationTanH)) {
            throw new IllegalStateException("FastLstm computes tanh cell activations only; layer '" + getLayerName()
                    + "' is configured with " + getActivationFn() + " (valid: TANH; use DL4J's LSTM for others)");
        }
        if (initialStateWidth < 0 || initialStateWidth >= getNIn()) {
            throw new IllegalStateException("FastLstm layer '" + getLayerName() + "': initialStateWidth " + initialStateWidth
                    + " must be at least 0 and below nIn " + getNIn() + " (the summary is the last K input features)");
        }
        return LayerWiring.wire(new FastLstmLayer(conf, networkDataType), conf, listeners, layerIndex, layerParamsView, initializeParams, initializer());
    }

    @Override
    public ParamInitializer initializer() {
        return FastLstmParams.INSTANCE;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType.InputTypeRecurrent in = (InputType.InputTypeRecurrent) inputType;
        long t = Math.max(1, in.getTimeSeriesLength());
        long nParams = initializer().numParams(this);
        long updaterState = getIUpdater() == null ? 0 : getIUpdater().stateSize(nParams);
        // per example: input projection and gates (4·nOut), cell, tanh(cell), output (3·nOut) per step
        long perExampleInference = t * 4 * nOut;
        long perExampleTrain = t * (4 + 3 + 4) * nOut + t * nIn;
        return new LayerMemoryReport.Builder(getLayerName(), FastLstm.class, inputType, getOutputType(-1, inputType))
                .standardMemory(nParams, updaterState)
                .workingMemory(0, perExampleInference, MemoryReport.CACHE_MODE_ALL_ZEROS,
                        MemoryReport.cacheModeMapFor(perExampleTrain))
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .build();
    }

    @Override
    public String toString() {
        return "FastLstm(nIn=" + nIn + ", nOut=" + nOut + ", forgetGateBiasInit=" + forgetGateBiasInit
                + ", initialStateWidth=" + initialStateWidth + ", name=" + getLayerName() + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FastLstm other && super.equals(o)
                && Double.compare(forgetGateBiasInit, other.forgetGateBiasInit) == 0
                && initialStateWidth == other.initialStateWidth;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * super.hashCode() + Double.hashCode(forgetGateBiasInit)) + initialStateWidth;
    }

    public static class Builder extends BaseRecurrentLayer.Builder<Builder> {
        private double forgetGateBiasInit = 1.0;
        private int initialStateWidth = 0;

        public Builder() {
            // The cell maths is fixed (sigmoid gates, tanh cell); setting it keeps the global default
            // activation (sigmoid) from leaking in through NeuralNetConfiguration.
            this.activationFn = new ActivationTanH();
        }

        /** Initial forget-gate bias (default 1.0). */
        public Builder forgetGateBiasInit(double value) {
            this.forgetGateBiasInit = value;
            return this;
        }

        /**
         * The last {@code width} input features are a summary the layer starts from, h0 = tanh(W_b s_0 + b_b),
         * c0 = 0 (default 0: off); nIn counts them.
         */
        public Builder initialStateWidth(int width) {
            this.initialStateWidth = width;
            return this;
        }

        List<LayerConstraint> recurrentConstraints() {
            return recurrentConstraints;
        }

        List<LayerConstraint> inputWeightConstraints() {
            return inputWeightConstraints;
        }

        @Override
        @SuppressWarnings("unchecked")
        public FastLstm build() {
            return new FastLstm(this);
        }
    }
}
