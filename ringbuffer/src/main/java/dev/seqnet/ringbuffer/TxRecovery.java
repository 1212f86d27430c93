package dev.seqnet.ringbuffer;

import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.chain.tx.TxDecodeException;

/**
 * Stage 1 of the ingress pipeline: turns the raw bytes a client sent into a decoded transaction
 * with its sender recovered, or refuses them. Abstracted so the pipeline does not depend on one
 * decoder; the node passes {@code new TxDecoder(chainId)::decode}.
 * <p>
 * Called concurrently from several recovery threads, so an implementation must be thread-safe;
 * it must not touch mempool or ledger state (that is the single writer's job).
 */
@FunctionalInterface
public interface TxRecovery
{
    /**
     * Decodes and recovers one transaction.
     *
     * @param raw the EIP-2718 bytes as received; the implementation may keep a reference to them.
     * @return the decoded transaction, never null.
     * @throws TxDecodeException when the bytes are refused; its reason and message reach the client.
     */
    EthTransaction recover(byte[] raw) throws TxDecodeException;
}
