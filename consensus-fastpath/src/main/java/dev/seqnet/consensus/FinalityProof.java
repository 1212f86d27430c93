package dev.seqnet.consensus;

import dev.seqnet.chain.block.L2Header;

import java.util.List;

/**
 * Proof that a header is final (PROTOCOL.md §3.4): a FINALIZATION_* certificate frame for some block
 * d and the headers from the proven header's height + 1 up to d, in height order (empty when the
 * certificate is for the proven header itself).
 */
public final class FinalityProof
{
    private final byte[] certificate;
    private final List<L2Header> headers;

    /**
     * @param certificate the SBE {@code Certificate} frame.
     * @param headers     the descendants of the proven header up to the certified block, in height order.
     */
    public FinalityProof(final byte[] certificate, final List<L2Header> headers)
    {
        if (certificate == null || headers == null)
        {
            throw new IllegalArgumentException("a proof needs a certificate and a (possibly empty) header list");
        }
        this.certificate = certificate.clone();
        this.headers = List.copyOf(headers);
    }

    /** A copy of the certificate frame. */
    public byte[] certificate()
    {
        return certificate.clone();
    }

    /** The headers above the proven one, ending at the certified block. */
    public List<L2Header> headers()
    {
        return headers;
    }

    /** The frame itself, for the verifier; never modified. */
    byte[] certificateUnsafe()
    {
        return certificate;
    }
}
