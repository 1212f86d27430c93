package dev.seqnet.consensus.core;

import dev.seqnet.chain.Hash32;
import dev.seqnet.consensus.CertificateKind;

/**
 * The consensus protocol of docs/PROTOCOL.md as a pure, deterministic state machine: each
 * {@link Input} changes its state and yields {@link Command}s. No clocks, threads or I/O.
 */
public final class ConsensusCore
{
    public ConsensusCore(final ConsensusParams params, final int self, final VoteSigner signer, final RecoveredState recovered)
    {
        throw new UnsupportedOperationException("being written");
    }

    /** The only entry point: appends, in execution order, the commands the host must run. */
    public void on(final Input input, final CommandSink out)
    {
        throw new UnsupportedOperationException("being written");
    }

    /** A snapshot for seq_status. */
    public CoreStatus status()
    {
        throw new UnsupportedOperationException("being written");
    }

    /** The current view. */
    public long view()
    {
        throw new UnsupportedOperationException("being written");
    }

    /** The view of the last finalized block (0 for genesis). */
    public long finalizedView()
    {
        throw new UnsupportedOperationException("being written");
    }

    /** True if the core already holds this certificate, so the inbound path may drop a copy unverified (§11). */
    public boolean holdsCertificate(final CertificateKind kind, final long view, final Hash32 blockHash)
    {
        throw new UnsupportedOperationException("being written");
    }
}
