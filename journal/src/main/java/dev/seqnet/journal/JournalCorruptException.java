package dev.seqnet.journal;

import java.io.File;

/**
 * The journal holds bytes that are not a valid entry (checksum or length mismatch, foreign schema,
 * a missing or unreadable entry, or a damaged/cut {@code .cq4} file). Recovery must stop here: the
 * entries before {@link #index()} were verified, this one and the rest cannot be trusted.
 * <p>
 * Unchecked, as Aeron's exceptions are; the reader's and journal's methods declare it.
 */
public final class JournalCorruptException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final long index;
    private final File file;

    public JournalCorruptException(final long index, final File file, final String reason)
    {
        this(index, file, reason, null);
    }

    JournalCorruptException(final long index, final File file, final String reason, final Throwable cause)
    {
        super(message(index, file, reason), cause);
        this.index = index;
        this.file = file;
    }

    /** The Chronicle index of the bad entry, or {@link Journal#NULL_INDEX} when no entry could be located. */
    public long index()
    {
        return index;
    }

    /** The {@code .cq4} file (or the journal directory when the file is not known); may be null. */
    public File file()
    {
        return file;
    }

    private static String message(final long index, final File file, final String reason)
    {
        final StringBuilder sb = new StringBuilder(128).append("journal corrupt");
        if (Journal.NULL_INDEX != index)
        {
            sb.append(" at index 0x").append(Long.toHexString(index));
        }
        sb.append(": ").append(reason);
        if (null != file)
        {
            sb.append(" (file ").append(file).append(')');
        }
        return sb.toString();
    }
}
