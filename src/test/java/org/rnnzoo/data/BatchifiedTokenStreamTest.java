package org.rnnzoo.data;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class BatchifiedTokenStreamTest {

    @Test
    void everyTargetIsPredictedExactlyOnceFromItsTruePredecessor() {
        int n = 103;                              // 102 (input, target) pairs over 4 rows of 26 -> last row padded
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = 10 + i;
        BatchifiedTokenStream s = new BatchifiedTokenStream(ids, 4, 7);
        assertEquals(4, s.segments());
        assertEquals(102, s.targets());
        List<int[]> seen = new ArrayList<>();
        while (s.hasNext()) {
            MultiDataSet ds = s.next();
            INDArray x = ds.getFeatures(0), y = ds.getLabels(0), m = ds.getLabelsMaskArray(0);
            for (int b = 0; b < x.size(0); b++)
                for (int t = 0; t < x.size(2); t++) {
                    if (m != null && m.getDouble(b, t) == 0) continue;
                    int in = x.getInt(b, 0, t), out = y.getInt(b, 0, t);
                    assertEquals(in + 1, out, "teacher forcing: the input is the true previous token");
                    seen.add(new int[]{in, out});
                }
        }
        assertEquals(102, seen.size());
        boolean[] hit = new boolean[n];
        for (int[] p : seen) hit[p[1] - 10] = true;
        for (int i = 1; i < n; i++) assertEquals(true, hit[i], "target " + i);
    }

    @Test
    void segmentKPlusOneOfARowContinuesWhereSegmentKStopped() {
        int[] ids = new int[41];
        for (int i = 0; i < ids.length; i++) ids[i] = i;
        BatchifiedTokenStream s = new BatchifiedTokenStream(ids, 2, 5);   // 40 pairs -> 2 rows of 20, 4 segments
        MultiDataSet a = s.next(), b = s.next();
        assertNull(a.getLabelsMaskArray(0), "no padding when the stream divides evenly");
        for (int row = 0; row < 2; row++)
            assertEquals(a.getLabels(0).getInt(row, 0, 4), b.getFeatures(0).getInt(row, 0, 0));
        assertEquals(25, b.getFeatures(0).getInt(1, 0, 0), "row 1 holds pairs 20..39; its second segment starts at 25");
    }
}
