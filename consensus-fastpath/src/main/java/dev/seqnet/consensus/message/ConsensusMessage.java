package dev.seqnet.consensus.message;

/**
 * A message the consensus core consumes or produces (PROTOCOL.md §3.3–§3.5): a signed
 * {@link Proposal} or {@link Vote}, a {@link dev.seqnet.consensus.Certificate}, or a
 * {@link CertificateRequest}. The wire form is SBE; these are the decoded values the core reasons on.
 */
public interface ConsensusMessage
{
    /** The view the message is about (for a request, the first view asked for). */
    long view();
}
