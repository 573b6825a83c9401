package org.rnnzoo.datasets;

import org.rnnzoo.common.ZooException;

/**
 * Every failure of the data layer: a missing, corrupt, truncated or unreadable file, a download
 * that failed, an unknown dataset. The message is one line that names the dataset, the file and
 * the problem, so the CLI can print it as it is.
 */
public class DatasetException extends ZooException {
    public DatasetException(String message) { super(oneLine(message)); }

    public DatasetException(String message, Throwable cause) { super(oneLine(message), cause); }

    /** "dataset 'ptb', file 'ptb.train.txt': PROBLEM". */
    static DatasetException of(String dataset, String file, String problem) {
        return new DatasetException("dataset '" + dataset + "', file '" + file + "': " + problem);
    }

    static DatasetException of(String dataset, String file, String problem, Throwable cause) {
        return new DatasetException("dataset '" + dataset + "', file '" + file + "': " + problem, cause);
    }

    private static String oneLine(String s) { return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip(); }
}
