package dev.seqnet.node.core;

/** A block that does not verify or does not execute to its state root; names the height. */
public final class BlockRejectedException extends Exception
{
    private static final long serialVersionUID = 1L;

    private final long height;

    public BlockRejectedException(final long height, final String reason)
    {
        super("block " + height + ": " + reason);
        this.height = height;
    }

    public long height()
    {
        return height;
    }
}
