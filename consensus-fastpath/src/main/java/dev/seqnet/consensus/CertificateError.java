package dev.seqnet.consensus;

/**
 * Why {@link FinalityVerifier#verify} rejected a certificate, in the order PROTOCOL.md §3.4 checks
 * (frame first, then structure, then stake, then signatures). {@link #NONE} marks a valid one.
 */
public enum CertificateError
{
    /** The certificate is valid. */
    NONE,
    /** Offset or length outside the buffer, frame shorter than header + fixed fields + group header, or trailing/missing bytes. */
    MALFORMED,
    /** Frame longer than the 16,501-byte limit of §3.6. */
    OVERSIZE,
    /** SBE header is not seqnet's {@code Certificate}: schema id, template id, version or block length. */
    WRONG_HEADER,
    /** {@code kind} is not 1–4. */
    UNKNOWN_KIND,
    /** {@code view = 0}, the genesis pseudo-view, which has no certificates. */
    ZERO_VIEW,
    /** A signer bit at index ≥ n is set. */
    NON_MEMBER_SIGNER,
    /** A fallback bit is set for a member whose signer bit is clear. */
    FALLBACK_NOT_SUBSET,
    /** A fallback bit is set on a kind other than NOTARIZATION. */
    FALLBACK_ON_WRONG_KIND,
    /** A NULLIFICATION whose block hash is not 32 zero bytes. */
    NONZERO_NULLIFICATION_HASH,
    /** The number of signatures differs from the number of signer bits (covers a duplicated signature). */
    SIGNATURE_COUNT_MISMATCH,
    /** The signers' stake is below the kind's threshold (Q, or F for the fast path). */
    INSUFFICIENT_STAKE,
    /** A signature does not verify with its member's key over the kind's digest. */
    BAD_SIGNATURE
}
