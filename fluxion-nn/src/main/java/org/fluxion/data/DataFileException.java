package org.fluxion.data;

import java.io.IOException;

/**
 * A data file whose content is malformed: bad magic number, truncated data, a header that does not
 * match the data length, a CSV row of the wrong width or a non-numeric cell.
 *
 * <p>The message always names the file, where in it the problem is (a byte offset, or a line and
 * column for text formats) and what was expected, e.g.
 * {@code "train-images.idx: offset 16: truncated: expected 47040000 bytes of data, found 1000"}.
 */
public final class DataFileException extends IOException {
    private final String source;

    private DataFileException(String source, String message) {
        super(message);
        this.source = source;
    }

    /** A problem at a byte offset of a binary file. */
    public static DataFileException atOffset(String source, long offset, String what) {
        return new DataFileException(source, source + ": offset " + offset + ": " + what);
    }

    /** A problem at a line and (1-based) column of a text file; column 0 means the whole line. */
    public static DataFileException atLine(String source, long line, int column, String what) {
        String where = column > 0 ? "line " + line + ", column " + column : "line " + line;
        return new DataFileException(source, source + ": " + where + ": " + what);
    }

    /** A problem with the file as a whole (e.g. an unreadable archive). */
    public static DataFileException of(String source, String what, Throwable cause) {
        DataFileException e = new DataFileException(source, source + ": " + what);
        e.initCause(cause);
        return e;
    }

    /** The file (or archive entry) the problem is in. */
    public String source() {
        return source;
    }
}
