package dev.seqnet.chain.block;

/**
 * A frame is not a well-formed SBE L2Block: wrong template or schema, truncated, a declared length
 * beyond the frame, an oversized transaction or trailing bytes. Peers' bytes end here, never in an
 * unchecked exception.
 */
public final class BlockCodecException extends Exception
{
    private static final long serialVersionUID = 1L;

    public BlockCodecException(final String message)
    {
        super(message);
    }
}
