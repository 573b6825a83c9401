package org.rnnzoo.datasets;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import org.rnnzoo.common.Names;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A dataset as data: {@code datasets/NAME.yaml} on the classpath (the pom ships the repo's
 * {@code datasets/} folder). It names the public download URL(s), the sha256 and size of every
 * file a loader reads, the license and citation, the split recipe and the counts a loader must
 * reproduce. Immutable.
 */
public final class DatasetCard {
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.SPLIT_LINES).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build());

    /** One file a loader reads, as it must be byte for byte. */
    public record FileEntry(String name, long bytes, String sha256) {}

    /**
     * Where a file can be downloaded: {@code url}, and for an archive the {@code member} inside it.
     * In the card both may contain {@code {file}}, replaced by the file's name.
     */
    public record Source(String url, String member) {
        public boolean isArchive() { return member != null; }
    }

    private final Map<String, Object> root;
    private final List<FileEntry> files;
    private final List<Source> download;

    private DatasetCard(Map<String, Object> root) {
        this.root = root;
        String name = String.valueOf(root.get("name"));
        List<FileEntry> fs = new ArrayList<>();
        for (Map<String, Object> f : maps(root.get("files"), name, "files"))
            fs.add(new FileEntry(String.valueOf(f.get("name")), ((Number) f.get("bytes")).longValue(),
                    String.valueOf(f.get("sha256")).toLowerCase()));
        List<Source> ds = new ArrayList<>();
        for (Map<String, Object> d : maps(root.get("download"), name, "download"))
            ds.add(new Source(String.valueOf(d.get("url")), d.get("member") == null ? null : String.valueOf(d.get("member"))));
        this.files = List.copyOf(fs);
        this.download = List.copyOf(ds);
    }

    private static final Map<String, DatasetCard> LOADED = new java.util.concurrent.ConcurrentHashMap<>();

    /** Loads {@code datasets/NAME.yaml} from the classpath (once: cards are immutable). */
    public static DatasetCard load(String name) {
        DatasetCard c = LOADED.get(name);
        if (c == null) {
            c = read(name);
            LOADED.put(name, c);
        }
        return c;
    }

    private static DatasetCard read(String name) {
        try (InputStream in = DatasetCard.class.getResourceAsStream("/datasets/" + name + ".yaml")) {
            if (in == null) throw new DatasetException(Names.unknown("dataset", name, Datasets.names()));
            return new DatasetCard(YAML.readValue(in, new TypeReference<LinkedHashMap<String, Object>>() {}));
        } catch (IOException e) {
            throw new DatasetException("dataset '" + name + "': cannot read card datasets/" + name + ".yaml: " + e.getMessage(), e);
        }
    }

    public String name() { return (String) root.get("name"); }
    public String task() { return string("task"); }
    public String description() { return string("description"); }
    public String license() { return string("license"); }
    public String citation() { return string("citation"); }
    public String splitRecipe() { return string("split"); }
    public List<FileEntry> files() { return files; }

    /**
     * sha256 of the "name sha256" lines of every file: the store verifies each file against its
     * line, so this one value names the exact bytes a model was trained on.
     */
    public String digest() {
        StringBuilder lines = new StringBuilder();
        for (FileEntry f : files) lines.append(f.name()).append(' ').append(f.sha256()).append('\n');
        return DatasetStore.sha256(lines.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public FileEntry file(String fileName) {
        for (FileEntry f : files) if (f.name().equals(fileName)) return f;
        throw DatasetException.of(name(), fileName, "not a file of this dataset (its card lists "
                + (files.size() <= 8 ? files.stream().map(FileEntry::name).toList() : files.size() + " files") + ")");
    }

    /** The download sources for one file, in the order to try them ({@code {file}} filled in). */
    public List<Source> sources(FileEntry f) {
        List<Source> out = new ArrayList<>();
        for (Source s : download)
            out.add(new Source(s.url().replace("{file}", f.name()), s.member() == null ? null : s.member().replace("{file}", f.name())));
        return out;
    }

    /** A loader parameter from the card's {@code recipe} section (seed, fractions, thresholds). */
    public Number recipe(String key) {
        Object r = root.get("recipe");
        Object v = r instanceof Map<?, ?> m ? m.get(key) : null;
        if (!(v instanceof Number n)) throw new DatasetException("dataset '" + name() + "': card datasets/" + name()
                + ".yaml has no numeric recipe." + key);
        return n;
    }

    /** The expected counts, e.g. {@code {unit: tokens, train: 929589, ...}}. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> counts() {
        Object c = root.get("counts");
        return c instanceof Map ? (Map<String, Object>) c : Map.of();
    }

    /** The card as YAML, without the (long) file table, which {@code zoo data info} summarises. */
    public String toYaml() {
        Map<String, Object> copy = new LinkedHashMap<>(root);
        copy.remove("files");
        try { return YAML.writeValueAsString(copy); } catch (IOException e) { throw new IllegalStateException(e); }
    }

    private String string(String key) {
        Object v = root.get(key);
        return v == null ? "" : String.valueOf(v).strip();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object o, String name, String key) {
        if (!(o instanceof List<?> l) || l.isEmpty())
            throw new DatasetException("dataset '" + name + "': card datasets/" + name + ".yaml has no '" + key + "' list");
        return (List<Map<String, Object>>) l;
    }
}
