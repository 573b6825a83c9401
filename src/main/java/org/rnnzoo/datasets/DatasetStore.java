package org.rnnzoo.datasets;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The local copy of the datasets: a cache laid out {@code CACHE/<dataset>/<file>}, filled from a
 * mirror folder with the same layout (offline machines, CI) or from the card's public URLs.
 * Nothing enters the cache before its sha256 matches the card: a file is written to a temporary
 * name in the cache folder, verified, then atomically renamed, so a failed or corrupt fetch leaves
 * the cache exactly as it was (DL4J zoo's pretrained-weights checksum, applied to data).
 *
 * <p>Cache: {@code ~/.rnnzoo/datasets}, or {@code $ZOO_HOME/datasets} (common.ZooHome). Mirror: {@link #withMirror}
 * ({@code --mirror DIR}), else {@code $ZOO_DATA_MIRROR}, else the system property {@code zoo.mirror}.
 * With a mirror set, the network is never used; {@code ZOO_OFFLINE=1} (or {@link #offline()})
 * forbids it too, and a missing file is then an error saying where to put it.
 */
public final class DatasetStore {
    /** Where a file came from on this call. */
    public enum Origin { CACHE, MIRROR, DOWNLOAD }

    public record Fetched(String file, Path path, Origin origin) {}

    public enum Status { OK, MISSING, BAD }

    /** One file's verification: the copy that was hashed ({@code null} when none exists) and what was found. */
    public record Check(String file, Path path, Status status, String detail) {}

    private final Path cacheDir;
    private final Path mirrorDir;
    private final boolean offline;
    /** Rewrites card URLs before downloading; identity except in tests, which serve the files locally. */
    private UnaryOperator<String> urlRewrite = UnaryOperator.identity();
    /** Files already hashed by this store, keyed by path, valid while size and mtime are unchanged. */
    private final Map<Path, String> verified = new ConcurrentHashMap<>();

    /** The default store: cache under {@code $ZOO_HOME} or {@code ~/.rnnzoo}; mirror from the environment, if any. */
    public DatasetStore() { this(defaultCacheDir(), defaultMirrorDir(), System.getenv("ZOO_OFFLINE") != null); }

    /** @param mirrorDir a folder laid out {@code <dataset>/<file>}, or {@code null} to download */
    public DatasetStore(Path cacheDir, Path mirrorDir) { this(cacheDir, mirrorDir, false); }

    private DatasetStore(Path cacheDir, Path mirrorDir, boolean offline) {
        this.cacheDir = cacheDir.toAbsolutePath().normalize();
        this.mirrorDir = mirrorDir == null ? null : mirrorDir.toAbsolutePath().normalize();
        this.offline = offline;
    }

    public DatasetStore withMirror(Path mirror) { return new DatasetStore(cacheDir, mirror, offline); }

    public DatasetStore withCache(Path cache) { return new DatasetStore(cache, mirrorDir, offline); }

    /** For tests: download from {@code rewrite.apply(url)} instead of the card's URL. */
    DatasetStore withUrlRewrite(UnaryOperator<String> rewrite) {
        DatasetStore s = new DatasetStore(cacheDir, mirrorDir, offline);
        s.urlRewrite = rewrite;
        return s;
    }

    /** The same store without network access: files come from the cache or the mirror only. */
    public DatasetStore offline() { return new DatasetStore(cacheDir, mirrorDir, true); }

    public Path cacheDir() { return cacheDir; }

    /** The mirror folder, or {@code null} when files come from the network. */
    public Path mirrorDir() { return mirrorDir; }

    static Path defaultCacheDir() {
        return org.rnnzoo.common.ZooHome.dir().resolve("datasets");
    }

    static Path defaultMirrorDir() {
        String env = System.getenv("ZOO_DATA_MIRROR");
        if (env != null && !env.isBlank()) return Path.of(env);
        String prop = System.getProperty("zoo.mirror");
        return prop != null && !prop.isBlank() ? Path.of(prop) : null;
    }

    /** Where the cache keeps a file (whether or not it is there yet). */
    public Path cachePath(String dataset, String file) { return cacheDir.resolve(dataset).resolve(file); }

    /** A verified local copy of one file of a dataset, fetched first if needed. */
    public Path path(String dataset, String file) {
        DatasetCard card = DatasetCard.load(dataset);
        return fetch(card, List.of(card.file(file))).get(0).path();
    }

    /**
     * Makes every file of the dataset present and verified in the cache. All or nothing: the
     * missing files are staged and verified first and only then renamed into place, so when one
     * fails, no file of the dataset has changed.
     */
    public List<Fetched> fetch(String dataset) {
        DatasetCard card = DatasetCard.load(dataset);
        return fetch(card, card.files());
    }

    private List<Fetched> fetch(DatasetCard card, List<DatasetCard.FileEntry> files) {
        String name = card.name();
        Fetched[] out = new Fetched[files.size()];
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Path target = cachePath(name, files.get(i).name());
            if (Files.isRegularFile(target) && problem(target, files.get(i)) == null) out[i] = new Fetched(files.get(i).name(), target, Origin.CACHE);
            else missing.add(i);
        }
        if (missing.isEmpty()) return List.of(out);
        Path dir = cacheDir.resolve(name);
        Path createdTop = createDirectories(name, files.get(missing.get(0)).name(), dir);
        Map<String, Path> archives = new HashMap<>();
        Map<Integer, Path> staged = new HashMap<>();
        try {
            for (int i : missing) {
                DatasetCard.FileEntry f = files.get(i);
                Path tmp = Files.createTempFile(dir, "." + f.name() + ".", ".part");
                staged.put(i, tmp);
                out[i] = new Fetched(f.name(), cachePath(name, f.name()), stage(card, f, tmp, archives));
            }
            for (int i : missing) {
                Path target = cachePath(name, files.get(i).name());
                move(staged.remove(i), target);
                verified.put(target, key(target) + files.get(i).sha256());
            }
            return List.of(out);
        } catch (IOException e) {
            throw DatasetException.of(name, files.get(missing.get(0)).name(), "cannot write to the cache " + dir + ": " + e);
        } finally {
            for (Path p : staged.values()) deleteQuietly(p);
            for (Path a : archives.values()) deleteQuietly(a);
            removeIfEmpty(dir, createdTop);
        }
    }

    /** Copies or downloads one file into {@code tmp} and verifies it there; throws if it is not the card's file. */
    private Origin stage(DatasetCard card, DatasetCard.FileEntry f, Path tmp, Map<String, Path> archives) throws IOException {
        // download() verifies each source itself (a bad mirror URL must not stop the next one)
        String name = card.name();
        Path target = cachePath(name, f.name());
        Origin origin;
        String from;
        if (mirrorDir != null) {
            Path src = mirrorDir.resolve(name).resolve(f.name());
            if (!Files.isRegularFile(src))
                throw DatasetException.of(name, f.name(), "not in the mirror: put the file at " + src
                        + " (mirror layout <mirror>/" + name + "/" + f.name() + "), or put a verified copy at " + target
                        + ", or unset the mirror to download it from " + card.sources(f).get(0).url());
            Files.copy(src, tmp, StandardCopyOption.REPLACE_EXISTING);
            origin = Origin.MIRROR;
            from = src.toString();
        } else if (offline) {
            throw DatasetException.of(name, f.name(), "not cached and the network is off: put the file at " + target
                    + ", or in a mirror folder as <mirror>/" + name + "/" + f.name()
                    + " and pass --mirror DIR or set ZOO_DATA_MIRROR (source: " + card.sources(f).get(0).url() + ")");
        } else {
            from = download(card, f, tmp, archives);
            origin = Origin.DOWNLOAD;
        }
        String problem = problem(tmp, f);
        if (problem != null)
            throw DatasetException.of(name, f.name(), "copy from " + from + " rejected: " + problem
                    + (Files.exists(target) ? "; the cached " + target + " was left as it was" : "; nothing was cached"));
        return origin;
    }

    /** Re-hashes the cached copy of every file (or the mirror's, for a file not cached). Never throws for a bad file. */
    public List<Check> verify(String dataset) {
        DatasetCard card = DatasetCard.load(dataset);
        List<Check> out = new ArrayList<>();
        for (DatasetCard.FileEntry f : card.files()) {
            Path p = cachePath(dataset, f.name());
            if (!Files.isRegularFile(p) && mirrorDir != null) p = mirrorDir.resolve(dataset).resolve(f.name());
            if (!Files.isRegularFile(p)) {
                out.add(new Check(f.name(), null, Status.MISSING, "not in the cache (" + cachePath(dataset, f.name()) + ")"
                        + (mirrorDir == null ? "" : " nor in the mirror (" + mirrorDir.resolve(dataset).resolve(f.name()) + ")")));
                continue;
            }
            verified.remove(p);
            String problem = problem(p, f);
            out.add(new Check(f.name(), p, problem == null ? Status.OK : Status.BAD, problem == null ? "sha256 " + f.sha256() : problem));
        }
        return out;
    }

    /**
     * Downloads the file (or the archive holding it, once per fetch) into {@code tmp}, trying the
     * card's sources in order until one gives the right bytes; returns a description of that source.
     */
    private String download(DatasetCard card, DatasetCard.FileEntry f, Path tmp, Map<String, Path> archives) {
        List<String> failures = new ArrayList<>();
        boolean reachedOne = false;
        for (DatasetCard.Source listed : card.sources(f)) {
            DatasetCard.Source s = new DatasetCard.Source(urlRewrite.apply(listed.url()), listed.member());
            try {
                if (!s.isArchive()) {
                    httpGet(s.url(), tmp, f.name());
                } else {
                    Path archive = archives.get(s.url());
                    if (archive == null) {
                        archive = Files.createTempFile(tmp.getParent(), ".download-", ".part");
                        archives.put(s.url(), archive);
                        try {
                            httpGet(s.url(), archive, s.url().substring(s.url().lastIndexOf('/') + 1));
                        } catch (IOException e) { // a partial archive must not serve the next file
                            archives.remove(s.url());
                            deleteQuietly(archive);
                            throw e;
                        }
                    }
                    try (ZipFile zip = new ZipFile(archive.toFile())) {
                        ZipEntry e = zip.getEntry(s.member());
                        if (e == null) throw new IOException("the archive has no member " + s.member());
                        try (InputStream in = zip.getInputStream(e)) { Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING); }
                    }
                }
                reachedOne = true;
                String from = s.url() + (s.isArchive() ? " member " + s.member() : "");
                String problem = problem(tmp, f);
                if (problem == null) return from;
                failures.add(from + ": " + problem);
            } catch (IOException e) {
                // e.g. ConnectException has a null message: name the exception instead
                failures.add(s.url() + " (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
            }
        }
        String hint = reachedOne ? "" : "; offline, put the file at " + cachePath(card.name(), f.name())
                + " or in a mirror folder as <mirror>/" + card.name() + "/" + f.name() + " and pass --mirror DIR or set ZOO_DATA_MIRROR";
        throw DatasetException.of(card.name(), f.name(), (reachedOne ? "download rejected, nothing was cached: " : "cannot download from ")
                + String.join("; ", failures) + hint);
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(20)).build();

    private static void httpGet(String url, Path out, String label) throws IOException {
        HttpResponse<InputStream> r;
        try {
            r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (IllegalArgumentException e) {
            throw new IOException("bad URL: " + e.getMessage());
        }
        try (InputStream body = r.body()) {
            if (r.statusCode() != 200) throw new IOException("HTTP " + r.statusCode());
            long length = r.headers().firstValueAsLong("content-length").orElse(-1);
            ProgressBarBuilder bar = new ProgressBarBuilder().setTaskName(label).setInitialMax(length)
                    .setUnit(" KiB", 1024).setStyle(ProgressBarStyle.ASCII)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err));
            try (InputStream in = ProgressBar.wrap(body, bar); OutputStream o = Files.newOutputStream(out)) {
                in.transferTo(o);
            }
        }
    }

    /** {@code null} when the file has the card's size and sha256, else a one-line description of the difference. */
    private String problem(Path p, DatasetCard.FileEntry f) {
        try {
            String key = key(p);
            if ((key + f.sha256()).equals(verified.get(p))) return null;
            long size = Files.size(p);
            if (size == 0)
                return p + " is empty (expected " + String.format("%,d", f.bytes()) + " bytes, sha256 " + f.sha256() + ")";
            String actual = sha256(p);
            if (actual.equals(f.sha256())) {
                verified.put(p, key + f.sha256());
                return null;
            }
            String sizes = size == f.bytes() ? "same size " + String.format("%,d", size) + " bytes"
                    : String.format("%,d bytes, expected %,d", size, f.bytes()) + (size < f.bytes() ? " (truncated?)" : "");
            return "checksum mismatch for " + p + ": expected sha256 " + f.sha256() + ", actual " + actual + " (" + sizes + ")";
        } catch (IOException e) {
            return "cannot read " + p + ": " + e;
        }
    }

    private static String key(Path p) throws IOException {
        FileTime t = Files.getLastModifiedTime(p);
        return Files.size(p) + "/" + t.toMillis() + "/";
    }

    public static String sha256(Path p) throws IOException {
        MessageDigest md = newSha256();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(p)) {
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(newSha256().digest(bytes));
    }

    private static MessageDigest newSha256() {
        try { return MessageDigest.getInstance("SHA-256"); } catch (NoSuchAlgorithmException e) { throw new IllegalStateException(e); }
    }

    private static void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Creates {@code dir} and its missing parents; returns the topmost folder created, or {@code null}. */
    private static Path createDirectories(String dataset, String file, Path dir) {
        Path top = null;
        for (Path d = dir; d != null && !Files.exists(d); d = d.getParent()) top = d;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw DatasetException.of(dataset, file, "cannot create the cache folder " + dir + ": " + e);
        }
        return top;
    }

    /** Undoes {@link #createDirectories} when nothing was written, so a failed fetch leaves no trace. */
    private static void removeIfEmpty(Path dir, Path top) {
        if (top == null) return;
        for (Path d = dir; d != null && d.startsWith(top); d = d.getParent()) {
            try (var s = Files.list(d)) {
                if (s.findAny().isPresent()) return;
                Files.delete(d);
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void deleteQuietly(Path p) {
        try { Files.deleteIfExists(p); } catch (IOException ignored) { }
    }
}
