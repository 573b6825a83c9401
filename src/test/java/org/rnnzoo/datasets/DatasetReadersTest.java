package org.rnnzoo.datasets;

import org.datavec.api.records.reader.RecordReader;
import org.datavec.api.records.reader.SequenceRecordReader;
import org.datavec.api.records.reader.impl.transform.TransformProcessRecordReader;
import org.datavec.api.transform.schema.SequenceSchema;
import org.datavec.api.writable.Writable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every zoo dataset opens as a DataVec reader, split by split, with exactly the raw reader's records. */
class DatasetReadersTest {
    @TempDir
    static Path cache;
    static DatasetStore store;

    @BeforeAll
    static void store() { store = new DatasetStore(cache, TestMirror.dir()).offline(); }

    /** Against the card's counts, which DatasetCountsTest checks the raw readers give (one load per dataset, not two). */
    @Test
    void everyDatasetAndSplitYieldsAsManyRecordsAsTheRawReader() throws Exception {
        for (String name : Datasets.names()) {
            Map<String, Integer> fromReaders = new LinkedHashMap<>();
            int width = Datasets.schema(name).numColumns();
            for (Map.Entry<String, RecordReader> e : Datasets.readers(name, store).entrySet()) {
                String split = e.getKey();
                RecordReader r = e.getValue();
                int n = 0;
                if (Datasets.kind(name) == Datasets.Kind.LANGUAGE_MODEL) {
                    assertInstanceOf(SequenceSchema.class, Datasets.schema(name), name);
                    SequenceRecordReader s = (SequenceRecordReader) r;
                    while (s.hasNext()) n += s.sequenceRecord().size(); // one sequence per split, one step per token
                } else {
                    while (r.hasNext()) {
                        assertEquals(width, r.next().size(), name + " record width = schema columns");
                        n++;
                    }
                }
                r.close();
                fromReaders.put(split, n);
            }
            Map<String, Object> card = DatasetCard.load(name).counts();
            assertEquals(Map.of("train", card.get("train"), "valid", card.get("valid"), "test", card.get("test")), fromReaders, name);
        }
    }

    @Test
    void recordsHoldTheRawTokensJoinedBySpaces() {
        TokenCorpus ptb = Datasets.lm("ptb", store);
        List<String> tokens = new ArrayList<>();
        for (List<Writable> step : DatasetRecords.reader(ptb, "test").sequenceRecord()) tokens.add(step.get(0).toString());
        assertEquals(ptb.test(), tokens);

        SentencePairs g2p = Datasets.pairs("cmudict-g2p", store);
        List<Writable> first = DatasetRecords.reader(g2p, "test").next();
        assertEquals(List.of("A B A D I", "AH B AE D IY"), List.of(first.get(0).toString(), first.get(1).toString()));
        assertEquals(g2p.test().get(0).source(), List.of(first.get(0).toString().split(" ")));

        LabelledSentences sst5 = Datasets.classification("sst5", store);
        List<Writable> sentence = DatasetRecords.reader(sst5, "test").next();
        LabelledSentences.Example raw = sst5.test().get(0);
        assertEquals(String.join(" ", raw.tokens()), sentence.get(0).toString());
        assertEquals(StanfordSentiment.FINE.get(raw.label()), sentence.get(1).toString(), "the label column holds the class name");
        assertEquals(List.of("text", "label"), Datasets.schema("sst5").getColumnNames());
    }

    @Test
    void theTransformProcessLowerCasesTextAndNumbersTheLabels() throws Exception {
        LabelledSentences mr = Datasets.classification("mr", store);
        RecordReader r = new TransformProcessRecordReader(Datasets.reader("mr", "train", store), Datasets.transform("mr"));
        for (LabelledSentences.Example e : mr.train()) {
            List<Writable> rec = r.next();
            assertEquals(String.join(" ", e.tokens()).toLowerCase(), rec.get(0).toString());
            assertEquals(e.label(), rec.get(1).toInt());
        }
        assertTrue(!r.hasNext());
        assertEquals("integer", Datasets.transform("mr").getFinalSchema().getType(1).name().toLowerCase());
    }

    @Test
    void badSplitsAndKindsListTheChoices() {
        DatasetException split = assertThrows(DatasetException.class, () -> Datasets.reader("sst2", "dev", store));
        assertEquals("unknown split 'dev' (expected train, valid, test)", split.getMessage());
        DatasetException kind = assertThrows(DatasetException.class, () -> Datasets.transform("ptb"));
        assertTrue(kind.getMessage().contains("sst2, sst5, mr"), kind.getMessage());
    }
}
