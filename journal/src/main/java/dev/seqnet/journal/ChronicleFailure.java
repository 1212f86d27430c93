package dev.seqnet.journal;

import java.io.File;

import net.openhft.chronicle.core.io.ClosedIllegalStateException;
import net.openhft.chronicle.core.io.ThreadingIllegalStateException;

/**
 * Turns whatever Chronicle threw while reading its files into a {@link JournalCorruptException} naming the
 * file, except usage errors (closed queue, wrong thread) and JVM failures (out of memory, stack overflow),
 * which are rethrown unchanged.
 * <p>
 * What Chronicle throws on damaged files (measured with chronicle-queue 2026.4, see JournalDamageTest):
 * {@code IllegalStateException} ("Meta data not ready", "expecting index2index"), {@code IORuntimeException},
 * checked {@code StreamCorruptedException} thrown sneakily, {@code AssertionError} when run with
 * {@code -ea}, and {@link InternalError}: Chronicle maps each cycle file in chunk-sized regions, and when
 * a file was cut short, touching a page past its end raises SIGBUS, which the JVM reports as
 * "a fault occurred in a recent unsafe memory access operation".
 */
final class ChronicleFailure
{
    private ChronicleFailure()
    {
    }

    /**
     * @return the exception to throw (the caller writes {@code throw wrap(...)}); Errors other than
     * {@link InternalError} and {@link AssertionError} are thrown from here.
     */
    static RuntimeException wrap(final Throwable cause, final long index, final File file, final String operation)
    {
        if (cause instanceof ClosedIllegalStateException || cause instanceof ThreadingIllegalStateException)
        {
            return (RuntimeException)cause;
        }
        if (cause instanceof JournalCorruptException)
        {
            return (JournalCorruptException)cause;
        }
        if (cause instanceof Error && !(cause instanceof InternalError) && !(cause instanceof AssertionError))
        {
            throw (Error)cause;
        }
        final String hint = cause instanceof InternalError ? " (file cut short or unreadable?)" : "";
        return new JournalCorruptException(index, file, "chronicle failed in " + operation + hint + ": " + cause, cause);
    }
}
