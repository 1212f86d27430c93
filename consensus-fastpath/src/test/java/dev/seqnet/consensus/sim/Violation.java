package dev.seqnet.consensus.sim;

/** An invariant of PROTOCOL.md §12.1 (or a host guarantee) that a run broke; {@code id} is I1…I8 or H. */
final class Violation extends RuntimeException
{
    private final String id;

    Violation(final String id, final String message)
    {
        super(id + ": " + message);
        this.id = id;
    }

    String id()
    {
        return id;
    }
}
