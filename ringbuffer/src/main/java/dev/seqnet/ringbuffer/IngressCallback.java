package dev.seqnet.ringbuffer;

import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.chain.tx.TxRejection;

/**
 * How the ingress pipeline answers the RPC layer for one submitted transaction: exactly one of
 * the two methods is called, once, for every {@link IngressPipeline#submit} that returned true.
 * <p>
 * Both methods run on the single sequencer thread, so they must be quick and must not block
 * (hand the answer to the RPC's own event loop); an exception thrown here is counted and logged.
 */
public interface IngressCallback
{
    /**
     * The transaction was admitted into the mempool.
     *
     * @param tx the decoded transaction; {@link EthTransaction#hash()} is what the client gets back.
     */
    void onAdmitted(EthTransaction tx);

    /**
     * The transaction was refused, either by recovery (stage 1) or by admission (stage 2).
     *
     * @param reason why it was refused.
     * @param detail the message for the client: the decoder's message, or {@code reason.message()}.
     */
    void onRejected(TxRejection reason, String detail);
}
