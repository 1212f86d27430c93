package dev.seqnet.consensus.core;

/**
 * Signs a 32-byte consensus digest with this member's key. Must be deterministic (RFC 6979) so the
 * same inputs give byte-identical outputs; {@code SequencerKey::sign} is the production signer.
 */
@FunctionalInterface
public interface VoteSigner
{
    /** The 64-byte compact signature of {@code digest}; the array may be reused by the caller afterwards, so keep no reference to it. */
    byte[] sign(byte[] digest);
}
