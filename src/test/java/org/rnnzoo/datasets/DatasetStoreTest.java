package org.rnnzoo.datasets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Nothing enters the cache unverified; every failure is one line naming the dataset and the file. */
class DatasetStoreTest {
    @TempDir
    Path tmp;

    private Path cache() { return tmp.resolve("cache"); }

    private DatasetStore store(Path mirror) { return new DatasetStore(cache(), mirror).offline(); }

    /** Runs {@code action}, expects a one-line DatasetException naming the file, and an untouched cache. */
    private String failsLeavingCacheAsItWas(String dataset, String file, Consumer<DatasetStore> action, DatasetStore store) {
        Map<String, String> before = TestMirror.snapshot(cache());
        DatasetException e = assertThrows(DatasetException.class, () -> action.accept(store));
        String msg = e.getMessage();
        assertEquals(1, msg.lines().count(), msg);
        assertTrue(msg.contains("'" + dataset + "'") && msg.contains(file), msg);
        assertEquals(before, TestMirror.snapshot(cache()), "the cache is as it was");
        return msg;
    }

    @Test
    void fetchCopiesFromTheMirrorVerifiesAndThenHitsTheCache() {
        DatasetStore store = store(TestMirror.dir());
        List<DatasetStore.Fetched> first = store.fetch("sst2");
        assertEquals(3, first.size());
        assertTrue(first.stream().allMatch(f -> f.origin() == DatasetStore.Origin.MIRROR));
        assertTrue(new DatasetStore(cache(), null).offline().fetch("sst2").stream().allMatch(f -> f.origin() == DatasetStore.Origin.CACHE),
                "a fresh store finds the verified files in the cache");
        assertEquals(cache().resolve("sst2").resolve("stsa.binary.dev"), store.path("sst2", "stsa.binary.dev"));
        assertTrue(store.verify("sst2").stream().allMatch(c -> c.status() == DatasetStore.Status.OK));
        assertEquals(Map.of("", "dir", "sst2", "dir", "sst2/stsa.binary.dev", "02fedc82855dbdcabe82c65ed1af6c6570788eaac51073cdb35ee8c7784426d1",
                        "sst2/stsa.binary.test", "6a80dc9b9a0db2d3b37f2f809304febad31c90ab67a5b4157b7d9f881c53ef5b",
                        "sst2/stsa.binary.train", "71c04bcc41291fa47454dd670df701b14ee9249156babeaac404cfe2c8d74338"),
                TestMirror.snapshot(cache()), "exactly the card's files, no temporary files left");
    }

    @Test
    void aCopyWithOneByteChangedIsRejectedWithBothHashes() throws IOException {
        Path mirror = tmp.resolve("mirror");
        Path dev = TestMirror.copy("sst2", mirror).resolve("stsa.binary.dev");
        byte[] b = Files.readAllBytes(dev);
        b[1000] ^= 1;
        Files.write(dev, b);
        String msg = failsLeavingCacheAsItWas("sst2", "stsa.binary.dev", s -> s.path("sst2", "stsa.binary.dev"), store(mirror));
        assertTrue(msg.contains("expected sha256 02fedc82855dbdcabe82c65ed1af6c6570788eaac51073cdb35ee8c7784426d1"), msg);
        assertTrue(msg.contains("actual " + DatasetStore.sha256(dev)), msg);
        assertTrue(Files.notExists(cache()), "not even an empty folder is left");
    }

    @Test
    void aBadMirrorNeverReplacesWhatIsCached() throws IOException {
        store(TestMirror.dir()).fetch("sst2");
        Path cachedDev = cache().resolve("sst2/stsa.binary.dev");
        Files.writeString(cachedDev, "bit rot\n"); // the cached copy went bad ...
        Path mirror = tmp.resolve("mirror");
        Files.writeString(TestMirror.copy("sst2", mirror).resolve("stsa.binary.dev"), "0 also bad\n"); // ... and so did the mirror's
        failsLeavingCacheAsItWas("sst2", "stsa.binary.dev", s -> s.fetch("sst2"), store(mirror));
        assertEquals("bit rot\n", Files.readString(cachedDev));
        // a good mirror repairs it
        assertEquals(DatasetStore.Origin.MIRROR, store(TestMirror.dir()).fetch("sst2").get(1).origin());
        assertTrue(store(null).verify("sst2").stream().allMatch(c -> c.status() == DatasetStore.Status.OK));
    }

    @Test
    void aTruncatedFileIsRejected() throws IOException {
        Path mirror = tmp.resolve("mirror");
        Path test = TestMirror.copy("sst2", mirror).resolve("stsa.binary.test");
        byte[] b = Files.readAllBytes(test);
        Files.write(test, java.util.Arrays.copyOf(b, b.length / 2));
        String msg = failsLeavingCacheAsItWas("sst2", "stsa.binary.test", s -> s.fetch("sst2"), store(mirror));
        assertTrue(msg.contains("96,781 bytes, expected 193,562 (truncated?)"), msg);
    }

    @Test
    void anEmptyFileIsRejected() throws IOException {
        Path mirror = tmp.resolve("mirror");
        Files.write(TestMirror.copy("sst2", mirror).resolve("stsa.binary.train"), new byte[0]);
        String msg = failsLeavingCacheAsItWas("sst2", "stsa.binary.train", s -> s.fetch("sst2"), store(mirror));
        assertTrue(msg.contains("is empty"), msg);
    }

    @Test
    void aFileMissingFromTheMirrorSaysWhereToPutIt() throws IOException {
        Path mirror = tmp.resolve("mirror");
        Files.delete(TestMirror.copy("sst2", mirror).resolve("stsa.binary.test"));
        String msg = failsLeavingCacheAsItWas("sst2", "stsa.binary.test", s -> s.path("sst2", "stsa.binary.test"), store(mirror));
        assertTrue(msg.contains("put the file at " + mirror.resolve("sst2/stsa.binary.test").toAbsolutePath()), msg);
    }

    @Test
    void withoutNetworkOrMirrorTheErrorNamesTheMirrorLayoutAndTheCachePath() {
        String msg = failsLeavingCacheAsItWas("ptb", "ptb.valid.txt", s -> s.path("ptb", "ptb.valid.txt"), store(null));
        assertTrue(msg.contains(cache().resolve("ptb/ptb.valid.txt").toAbsolutePath().toString()), msg);
        assertTrue(msg.contains("<mirror>/ptb/ptb.valid.txt"), msg);
    }

    @Test
    void aPtbFileReplacedByAnotherFailsItsChecksum() throws IOException {
        Path mirror = tmp.resolve("mirror");
        Path ptb = TestMirror.copy("ptb", mirror);
        Files.copy(ptb.resolve("ptb.test.txt"), ptb.resolve("ptb.valid.txt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String msg = failsLeavingCacheAsItWas("ptb", "ptb.valid.txt", s -> s.path("ptb", "ptb.valid.txt"), store(mirror));
        assertTrue(msg.contains("checksum mismatch"), msg);
        // and loading the corpus fails the same way, before any token is read
        failsLeavingCacheAsItWas("ptb", "ptb.valid.txt", s -> Datasets.lm("ptb", s), store(mirror).withCache(tmp.resolve("other")));
    }

    @Test
    void verifyReportsBadAndMissingFilesWithoutThrowing() throws IOException {
        store(TestMirror.dir()).path("sst2", "stsa.binary.dev");
        Files.writeString(cache().resolve("sst2/stsa.binary.dev"), "changed");
        List<DatasetStore.Check> checks = store(null).verify("sst2");
        assertEquals(List.of(DatasetStore.Status.MISSING, DatasetStore.Status.BAD, DatasetStore.Status.MISSING),
                checks.stream().map(DatasetStore.Check::status).toList());
        assertTrue(checks.get(1).detail().contains("expected sha256 02fedc82"), checks.get(1).detail());
        // with a mirror, files not in the cache are checked there
        assertEquals(DatasetStore.Status.OK, store(TestMirror.dir()).verify("sst2").get(0).status());
    }

    @Test
    void defaultCacheFollowsZooHome() {
        String home = System.getenv("ZOO_HOME");
        Path expected = home != null ? Path.of(home, "datasets") : Path.of(System.getProperty("user.home"), ".rnnzoo", "datasets");
        assertEquals(expected.toAbsolutePath().normalize(), new DatasetStore().cacheDir());
        String env = System.getenv("ZOO_DATA_MIRROR");
        Path mirror = env != null ? Path.of(env) : TestMirror.dir();
        assertEquals(mirror.toAbsolutePath().normalize(), new DatasetStore().mirrorDir(), "$ZOO_DATA_MIRROR, else -Dzoo.mirror");
    }
}
