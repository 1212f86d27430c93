package dev.seqnet.consensus.core;

import dev.seqnet.chain.Hash32;
import dev.seqnet.consensus.Certificate;

/**
 * A block the core has finalized (PROTOCOL.md R13), delivered in height order. {@code certificate}
 * is the finalization certificate of the block at {@code certifiedHeight}: this block's own for
 * FAST and SLOW, a descendant's for INDIRECT.
 */
public record FinalizedBlock(
    long height, long view, long parentView, int proposer, Hash32 blockHash, FinalizationPath path,
    long certifiedHeight, Certificate certificate)
{
}
