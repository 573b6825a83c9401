package org.rnnzoo.common;

/**
 * A user-facing failure: bad flag, bad card value, unreadable file. The message is one line that
 * names the offending file / flag / value; the CLI prints it without a stack trace.
 */
public class ZooException extends RuntimeException {
    public ZooException(String message) { super(message); }
    public ZooException(String message, Throwable cause) { super(message, cause); }
}
