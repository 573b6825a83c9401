package org.rnnzoo.data;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class WindowAndPairIteratorsTest {

    @Test
    void ngramWindowsHoldTheNMinusOnePrecedingIdsOfEveryTarget() {
        int[] ids = {10, 11, 12, 13, 14, 15, 16};
        NgramWindowIterator it = new NgramWindowIterator(ids, 3, 4, true, 7);
        Set<Integer> targets = new HashSet<>();
        while (it.hasNext()) {
            MultiDataSet ds = it.next();
            INDArray x = ds.getFeatures(0), y = ds.getLabels(0);
            for (int i = 0; i < x.size(0); i++) {
                int target = y.getInt(i, 0);
                int pos = target - 10;
                for (int c = 0; c < 3; c++) {
                    int p = pos - 3 + c;
                    assertEquals(p < 0 ? Vocabulary.EOS_ID : ids[p], x.getInt(i, c), "context " + c + " of " + target);
                }
                targets.add(target);
            }
        }
        assertEquals(ids.length, targets.size(), "every position is a target exactly once");
    }

    @Test
    void shufflingIsSeededAndChangesPerPass() {
        int[] ids = new int[100];
        for (int i = 0; i < ids.length; i++) ids[i] = 4 + i;
        NgramWindowIterator a = new NgramWindowIterator(ids, 2, 100, true, 3), b = new NgramWindowIterator(ids, 2, 100, true, 3);
        INDArray first = a.next().getLabels(0);
        assertEquals(first, b.next().getLabels(0));
        a.reset();
        assertNotEquals(first, a.next().getLabels(0));
    }

    @Test
    void labelledSequencesArePaddedAndMaskedPerBatch() {
        LabelledSequenceIterator it = new LabelledSequenceIterator(List.of(
                new LabelledSequenceIterator.Example(1, new int[]{5, 6, 7}),
                new LabelledSequenceIterator.Example(0, new int[]{8})), 2, false, 0);
        MultiDataSet ds = it.next();
        assertArrayEquals(new long[]{2, 3}, ds.getFeatures(0).shape());
        assertEquals("[[1.0, 1.0, 1.0], [1.0, 0.0, 0.0]]", java.util.Arrays.deepToString(ds.getFeaturesMaskArray(0).toFloatMatrix()));
        assertEquals(Vocabulary.PAD_ID, ds.getFeatures(0).getInt(1, 2));
        assertEquals(1, ds.getLabels(0).getInt(0, 0));
        assertEquals(0, ds.getLabels(0).getInt(1, 0));
    }

    @Test
    void seq2seqDecoderReadsTheTargetShiftedRight() {
        Seq2SeqPairIterator it = new Seq2SeqPairIterator(List.of(
                new Seq2SeqPairIterator.Pair(new int[]{20, 21}, new int[]{30, 31, 32}),
                new Seq2SeqPairIterator.Pair(new int[]{22}, new int[]{33})), 2, false, 0);
        MultiDataSet ds = it.next();
        INDArray dec = ds.getFeatures(1), tgt = ds.getLabels(0);
        assertArrayEquals(new long[]{2, 1, 4}, dec.shape(), "decoder ids as [batch, 1, T]");
        assertArrayEquals(new float[]{Vocabulary.BOS_ID, 30, 31, 32}, dec.reshape(2, 4).getRow(0).toFloatVector());
        assertArrayEquals(new float[]{30, 31, 32, Vocabulary.EOS_ID}, tgt.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                org.nd4j.linalg.indexing.NDArrayIndex.point(0), org.nd4j.linalg.indexing.NDArrayIndex.all()).toFloatVector());
        assertArrayEquals(new float[]{1, 1, 0, 0}, ds.getLabelsMaskArray(0).getRow(1).toFloatVector(), "<s> 33 / 33 <eos>, then padding");
        assertArrayEquals(new float[]{1, 0}, ds.getFeaturesMaskArray(0).getRow(1).toFloatVector());
    }
}
