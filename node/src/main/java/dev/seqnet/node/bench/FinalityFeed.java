package dev.seqnet.node.bench;

/**
 * Where a bench run learns that its transactions finalized, as a client would: {@code TxFinalized} notices on the
 * binary ingress sessions it submitted on ({@link AeronSender}), or every finalized block over a WebSocket
 * {@code newL2Blocks} subscription, its transactions hashed and looked up ({@link SubscriptionFeed}).
 */
interface FinalityFeed
{
    /** Told once per finalized transaction of the followed load (more calls for one index are ignored by the run). */
    interface Listener
    {
        /**
         * @param i            the transaction's index in the followed {@link SignedLoad}.
         * @param arrivedNanos {@link System#nanoTime()} when the news arrived.
         */
        void finalized(int i, long arrivedNanos);
    }

    /**
     * Tells {@code listener} about {@code load}'s transactions from now on, and nothing more about a load followed
     * before; {@code listener} null stops. Called before the load's first send.
     */
    void follow(SignedLoad load, Listener listener);

    /** Why the feed stopped (a closed subscription, a failed loop), or null while it works. */
    String failure();

    /** {@code notice} or {@code subscription}, as the summary names it. */
    String name();
}
