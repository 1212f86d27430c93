package dev.seqnet.consensus.wire;

/** Asks a member for its {@link Status} (sync targeting, PROTOCOL.md §10.1). */
public record StatusRequest(int requester) implements SupportMessage
{
    /** Checks the shape. */
    public StatusRequest
    {
        Checks.index(requester, "requester");
    }

    @Override
    public int sender()
    {
        return requester;
    }
}
