package org.rnnzoo.train;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.rnnzoo.StagedFile;
import org.rnnzoo.ZooException;
import org.rnnzoo.data.Vocabulary;
import org.rnnzoo.models.ModelCard;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A DL4J ModelSerializer zip (network + updater state) that also carries the vocabulary, the
 * resolved card and the trainer's state (Tribuo-style provenance), so a checkpoint alone can be
 * evaluated, sampled or resumed. Written to a temp file and renamed: a crash mid-write never
 * leaves a corrupt checkpoint under the real name.
 */
public record Checkpoint(ComputationGraph net, ModelCard card, Vocabulary vocabulary, Map<String, Object> state) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CARD = "rnnzoo-card.json", VOCAB = "rnnzoo-vocab.json", STATE = "rnnzoo-state.json";

    public void save(Path path) {
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            StagedFile staged = StagedFile.beside(path);
            Path tmp = staged.path();
            try {
                ModelSerializer.writeModel(net, tmp.toFile(), true);
                try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + tmp.toUri()), Map.of())) {
                    // Flat names: ModelSerializer's reader rejects any directory entry in the zip.
                    Files.writeString(zip.getPath(CARD), card.toJson());
                    Files.writeString(zip.getPath(VOCAB), JSON.writeValueAsString(vocabulary.words()));
                    Files.writeString(zip.getPath(STATE), JSON.writeValueAsString(state));
                }
                staged.commit();
            } finally {
                staged.close();
            }
        } catch (IOException e) {
            throw new ZooException("cannot write checkpoint " + path + ": " + e.getMessage(), e);
        }
    }

    public static Checkpoint load(Path path) {
        if (!Files.isRegularFile(path)) throw new ZooException("checkpoint not found: " + path);
        Map<String, String> meta = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(path.toFile())) {
            for (String name : List.of(CARD, VOCAB, STATE)) {
                ZipEntry e = zip.getEntry(name);
                if (e == null) throw new ZooException("not an rnn-zoo checkpoint: " + path + " (no " + name + " inside)");
                try (InputStream in = zip.getInputStream(e)) { meta.put(name, new String(in.readAllBytes(), StandardCharsets.UTF_8)); }
            }
        } catch (IOException e) {
            throw new ZooException("cannot read checkpoint " + path + ": not a valid zip file (" + e.getMessage() + ")", e);
        }
        try {
            ComputationGraph net = ModelSerializer.restoreComputationGraph(path.toFile(), true);
            List<String> words = JSON.readValue(meta.get(VOCAB), new TypeReference<List<String>>() {});
            Map<String, Object> state = JSON.readValue(meta.get(STATE), new TypeReference<LinkedHashMap<String, Object>>() {});
            return new Checkpoint(net, ModelCard.fromJson(meta.get(CARD)), Vocabulary.fromWords(words), state);
        } catch (IOException | RuntimeException e) {
            if (e instanceof ZooException z) throw z;
            throw new ZooException("cannot read checkpoint " + path + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** Writes small text files the same way: temp file in the same directory, then rename. */
    public static void writeAtomically(Path path, String content) {
        try {
            StagedFile.writeString(path, content);
        } catch (IOException e) {
            throw new ZooException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }
}
