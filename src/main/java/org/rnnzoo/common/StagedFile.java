package org.rnnzoo.common;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A file written under a temporary name beside its final path and renamed into place by
 * {@link #commit()}, so a crash never leaves a half-written file under the real name; closing an
 * uncommitted one deletes it.
 *
 * <p>The temporary file is created like any other file, so the umask decides its mode (0644 under
 * umask 022). {@code Files.createTempFile} would make it 0600, and the rename would keep that.
 */
public final class StagedFile implements AutoCloseable {
    private final Path target, tmp;
    /** The mode the file was created with; null where the file system has no POSIX permissions. */
    private final Set<PosixFilePermission> mode;
    private boolean committed;

    private StagedFile(Path target, Path tmp, Set<PosixFilePermission> mode) {
        this.target = target;
        this.tmp = tmp;
        this.mode = mode;
    }

    /** An empty temporary file in {@code target}'s folder (created if needed). */
    public static StagedFile beside(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        for (int attempt = 0; ; attempt++) {
            Path tmp = abs.resolveSibling("." + abs.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                Files.createFile(tmp);
            } catch (FileAlreadyExistsException e) {
                if (attempt < 10) continue;
                throw e;
            }
            PosixFileAttributeView posix = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
            return new StagedFile(abs, tmp, posix == null ? null : posix.readAttributes().permissions());
        }
    }

    /** Writes {@code content} to {@code target} through a staged file. */
    public static void writeString(Path target, String content) throws IOException {
        try (StagedFile f = beside(target)) {
            Files.writeString(f.path(), content, StandardCharsets.UTF_8);
            f.commit();
        }
    }

    /** Whether {@code name} is a temporary name this class gives (left behind only by a killed process). */
    public static boolean isLeftover(String name) { return name.startsWith(".") && name.endsWith(".tmp"); }

    /** Where to write. */
    public Path path() { return tmp; }

    /**
     * Renames the file into place. The mode it was created with is set again first: a library may
     * have replaced the file meanwhile (the JDK's zip file system rewrites a zip through a 0600 temp file).
     */
    public void commit() throws IOException {
        if (mode != null && !Files.getPosixFilePermissions(tmp).equals(mode)) Files.setPosixFilePermissions(tmp, mode);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        committed = true;
    }

    @Override
    public void close() throws IOException {
        if (!committed) Files.deleteIfExists(tmp);
    }
}
