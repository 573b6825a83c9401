package org.rnnzoo;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnnzoo.data.Vocabularies;
import org.rnnzoo.data.Vocabulary;
import org.rnnzoo.datasets.DatasetStore;
import org.rnnzoo.models.ModelCard;
import org.rnnzoo.models.ModelRegistry;
import org.rnnzoo.train.Task;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --vectors: the embedding rows of the words a vector file has are its vectors; the others stay as they were. */
class WordVectorsInitTest {
    @TempDir
    Path tmp;

    @Test
    void theFilesVectorsBecomeTheEmbeddingRowsOfTheirWords() throws Exception {
        ModelCard card = Zoo.card("birnn-sentiment").withAll(List.of("embedding=4", "hidden=4", "examples=100"));
        Task task = Zoo.task(card, new DatasetStore());
        ComputationGraph net = ModelRegistry.build(card, task.vocabularies().sizes());
        Vocabulary vocab = task.vocabularies().vocabulary(Vocabularies.TOKENS);
        INDArray before = net.getLayer("embed").getParam("W").dup();
        Path v = Files.writeString(tmp.resolve("v.txt"), "3 4\nnot 1 2 3 4\nzebra 9 9 9 9\ngood -1 0.5 0 2\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Zoo.loadVectors(net, card, task.vocabularies(), v, new PrintStream(out, true, StandardCharsets.UTF_8));
        INDArray w = net.getLayer("embed").getParam("W");
        assertArrayEquals(new float[]{1, 2, 3, 4}, w.getRow(vocab.id("not")).toFloatVector());
        assertArrayEquals(new float[]{-1, 0.5f, 0, 2}, w.getRow(vocab.id("good")).toFloatVector());
        int changed = 0;
        for (int id = 0; id < vocab.size(); id++) if (!w.getRow(id).equals(before.getRow(id))) changed++;
        assertEquals(2, changed, "only the two words the file has (zebra is not in the vocabulary)");
        int words = vocab.size() - Vocabulary.BOS_ID - 1;
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith(String.format("vectors: 2 of the %,d words found in %s", words, v)), out.toString());
    }
}
