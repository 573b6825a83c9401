package org.rnnzoo.common;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * A user-facing failure: bad flag, bad card value, unreadable file. The message is one line that
 * names the offending file / flag / value; the CLI prints it without a stack trace.
 */
public class ZooException extends RuntimeException {
    public ZooException(String message) { super(message); }
    public ZooException(String message, Throwable cause) { super(message, cause); }

    /**
     * Why a file operation failed, in words: the JDK's NIO exceptions carry only the path as their
     * message ({@code NoSuchFileException: /proc/x}), which reads like no reason at all.
     */
    public static String reason(IOException e) {
        String file = e instanceof FileSystemException f ? f.getFile() : null;
        String why;
        if (e instanceof AccessDeniedException) why = "permission denied";
        else if (e instanceof FileAlreadyExistsException) why = "exists and is not a directory";  // where a folder was to be made
        else if (e instanceof NotDirectoryException) why = "not a directory";
        else if (e instanceof NoSuchFileException) why = "no such file or directory" + whereCreating(file);
        else if (e instanceof FileSystemException f && f.getReason() != null) why = f.getReason().toLowerCase();  // read-only file system, no space ...
        else return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (why.equals("not a directory") && file != null) {   // ENOTDIR names the path below the culprit
            for (Path p = Path.of(file).toAbsolutePath().getParent(); p != null; p = p.getParent())
                if (Files.isRegularFile(p)) return p + ": is a file, not a directory";
        }
        return file == null ? why : file + ": " + why;
    }

    /** A file missing while it was being created: its folder exists but refuses new files (/proc, /sys). */
    private static String whereCreating(String file) {
        if (file == null) return "";
        Path parent = Path.of(file).toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) return "";
        try {
            FileStore store = Files.getFileStore(parent);
            return " (" + parent + " is on a " + store.type() + " file system" + (store.isReadOnly() ? ", read-only" : "")
                    + ", which does not let files be created there)";
        } catch (IOException ignored) {
            return " (" + parent + " does not let files be created there)";
        }
    }
}
