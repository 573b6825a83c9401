package org.rnnzoo.data;

import org.datavec.api.records.reader.RecordReader;
import org.datavec.api.records.reader.SequenceRecordReader;
import org.datavec.api.records.reader.impl.transform.TransformProcessRecordReader;
import org.deeplearning4j.datasets.datavec.RecordReaderMultiDataSetIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rnnzoo.datasets.DatasetStore;
import org.rnnzoo.datasets.Datasets;
import org.rnnzoo.datasets.LabelledSentences;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A zoo dataset through plain DataVec into a DL4J iterator: reader → TransformProcess → vocabulary
 * lookup → RecordReaderMultiDataSetIterator gives the batches our LabelledSequenceIterator gives.
 */
class DataVecPipelineTest {
    @TempDir
    Path cache;

    @Test
    void sst2ThroughDataVecGivesTheBatchesOfLabelledSequenceIterator() throws Exception {
        DatasetStore store = new DatasetStore(cache, Path.of(System.getProperty("zoo.mirror"))).offline();
        List<LabelledSentences.Example> raw = Datasets.classification("sst2", store).train();
        Vocabulary vocab = Vocabulary.build(raw.stream().flatMap(e -> e.tokens().stream()).toList(), 1, 0);

        RecordReader sentences = new TransformProcessRecordReader(Datasets.reader("sst2", "train", store), Datasets.transform("sst2"));
        SequenceRecordReader ids = vocab.idSequences(sentences, 0);
        sentences.reset();
        RecordReaderMultiDataSetIterator viaDataVec = new RecordReaderMultiDataSetIterator.Builder(32)
                .addSequenceReader("ids", ids).addReader("sentences", sentences)
                .addInput("ids").addOutput("sentences", 1, 1)    // column 1: the label, an integer after the transform
                .sequenceAlignmentMode(RecordReaderMultiDataSetIterator.AlignmentMode.ALIGN_START) // right padding, as ours
                .build();
        LabelledSequenceIterator ours = new LabelledSequenceIterator(
                raw.stream().map(e -> new LabelledSequenceIterator.Example(e.label(), vocab.encode(e.tokens()))).toList(), 32, false, 0);

        MultiDataSet first = viaDataVec.next();
        INDArray x = first.getFeatures(0);
        LabelledSentences.Example e0 = raw.get(0);
        assertEquals(32, x.size(0));
        assertEquals(1, x.size(1), "DataVec gives [batch, 1 column, T]; ours is [batch, T]");
        int[] row0 = x.get(NDArrayIndex.point(0), NDArrayIndex.point(0), NDArrayIndex.all()).toIntVector();
        assertArrayEquals(vocab.encode(e0.tokens()), Arrays.copyOf(row0, e0.tokens().size()), "the first sentence's ids, then padding");
        assertEquals(e0.tokens().size(), first.getFeaturesMaskArray(0).getRow(0).sumNumber().intValue(), "mask = the sentence's length");
        assertEquals(e0.label(), first.getLabels(0).getInt(0, 0));

        int batches = 0;
        for (MultiDataSet a = first; ; a = viaDataVec.next()) {
            MultiDataSet b = ours.next();
            long n = a.getFeatures(0).size(0), len = a.getFeatures(0).size(2);
            assertEquals(b.getFeatures(0), a.getFeatures(0).reshape(n, len), "ids, batch " + batches);
            INDArray mask = a.getFeaturesMaskArrays() == null ? Nd4j.onesLike(b.getFeaturesMaskArray(0)) : a.getFeaturesMaskArray(0);
            assertEquals(b.getFeaturesMaskArray(0), mask, "mask, batch " + batches);
            assertEquals(b.getLabels(0), a.getLabels(0), "labels, batch " + batches);
            batches++;
            if (!viaDataVec.hasNext()) break;
        }
        assertFalse(ours.hasNext());
        assertEquals((raw.size() + 31) / 32, batches);
    }
}
