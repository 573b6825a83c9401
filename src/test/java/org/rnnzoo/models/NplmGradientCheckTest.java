package org.rnnzoo.models;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.buffer.util.DataTypeUtil;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.rnnzoo.data.NgramWindowIterator;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The NPLM graph (shared embedding, reshape to the concatenation, merge for the direct connections) has correct gradients. */
class NplmGradientCheckTest {
    @Test
    void gradientsMatchFiniteDifferencesWithAndWithoutDirectConnections() {
        DataTypeUtil.setDTypeForContext(DataType.DOUBLE);
        org.nd4j.linalg.factory.Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            Random r = new Random(2);
            int[] ids = new int[40];
            for (int i = 0; i < ids.length; i++) ids[i] = 4 + r.nextInt(9);
            MultiDataSet ds = new NgramWindowIterator(ids, 3, 6, true, 1).next();
            for (String direct : new String[]{"true", "false"}) {
                ComputationGraph net = ModelRegistry.build(ModelRegistry.card("nplm").withAll(java.util.List.of(
                        "context=3", "embedding=4", "hidden=5", "direct=" + direct, "init_scale=0.5", "dropout=0", "optimizer=sgd", "lr=1.0")), 13);
                ComputationGraph dbl = net.convertDataType(DataType.DOUBLE);
                dbl.getConfiguration().setDataType(DataType.DOUBLE);
                boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(dbl)
                        .inputs(new org.nd4j.linalg.api.ndarray.INDArray[]{ds.getFeatures(0).castTo(DataType.DOUBLE)})
                        .labels(new org.nd4j.linalg.api.ndarray.INDArray[]{ds.getLabels(0).castTo(DataType.DOUBLE)})
                        .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8));
                assertTrue(ok, "direct=" + direct);
            }
        } finally {
            DataTypeUtil.setDTypeForContext(DataType.FLOAT);
            org.nd4j.linalg.factory.Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        }
    }
}
