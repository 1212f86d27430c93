package dev.seqnet.consensus.message;

import dev.seqnet.chain.Hash32;

import java.util.List;

/**
 * The block part of a {@link Proposal}: the Citrea header fields, the proposer's header signature,
 * gas used, base fee and the Keccak-256 hashes of the transactions in block order (PROTOCOL.md §3.3,
 * §9). The core reads only {@code blockHash}, {@code parentHash} and {@code height}; the host checks
 * the rest (V5–V7) and recomputes {@code blockHash} from the header fields.
 */
public record BlockCandidate(
    Hash32 blockHash,
    Hash32 parentHash,
    long height,
    long timestamp,
    long l1FeeRateHi,
    long l1FeeRateLo,
    long gasUsed,
    long baseFee,
    Hash32 stateRoot,
    Hash32 txMerkleRoot,
    byte[] headerSignature,
    List<Hash32> txHashes)
{
    /** The most transaction hashes a proposal may carry (§3.6). */
    public static final int MAX_TX_HASHES = 512;

    /** Checks the shape only. */
    public BlockCandidate
    {
        if (blockHash == null || parentHash == null || stateRoot == null || txMerkleRoot == null ||
            headerSignature == null || headerSignature.length != 64 || txHashes == null)
        {
            throw new IllegalArgumentException("block candidate needs its hashes and a 64-byte header signature");
        }
        if (height < 1 || txHashes.size() > MAX_TX_HASHES)
        {
            throw new IllegalArgumentException("height must be >= 1 and at most " + MAX_TX_HASHES + " txs, was " +
                height + " / " + txHashes.size());
        }
        txHashes = List.copyOf(txHashes);
    }
}
