package dev.seqnet.node.bench;

/**
 * How the bench hands its transactions to the members: JSON-RPC over HTTP ({@link RpcSender}) or the binary
 * client ingress over Aeron ({@link AeronSender}). Each runs one loop thread on which {@link #send}, {@link #later}
 * and every reply run, so the {@link AccountPacer} that drives it needs no locks; nothing waits for a reply, so a
 * slow one never holds back the next scheduled send.
 */
interface TxSender extends AutoCloseable
{
    /** Outcome of one send, on the loop thread. */
    interface Replies
    {
        /**
         * The member answered.
         *
         * @param error null when it admitted the transaction, else its refusal as {@code eth_sendRawTransaction}'s
         *              {@code error.message} would say it ({@link ReplyKind#of}).
         */
        void replied(int index, String error);

        /** The request did not get an answer (connection lost, back-pressure): send it again later. */
        void failed(int index, Throwable cause);
    }

    /** Stops sending to {@code target} (a member the bench killed): its share goes to the next live target. */
    void exclude(int target);

    int targets();

    /** Runs {@code task} on the loop thread, from any thread. */
    void onLoop(Runnable task);

    /** Runs {@code task} on the loop thread after {@code delayMs}; call from the loop thread. */
    void later(long delayMs, Runnable task);

    /**
     * Sends attempt {@code attempt} of transaction {@code i} of {@code load} from the loop thread and returns at once;
     * the answer goes to {@code replies}. Attempt {@code k} goes to the target after the first attempt's by {@code k}
     * (skipping excluded ones), so a resend reaches another member.
     */
    void send(SignedLoad load, int i, int attempt, Replies replies);

    /**
     * A send schedule the sender's loop thread runs itself ({@link #pace}): {@code due(now)} sends what is due at
     * {@code now} and returns the {@link System#nanoTime()} at which the next send is due, or {@link Long#MAX_VALUE}
     * when none is left.
     */
    interface Schedule
    {
        long due(long now);
    }

    /**
     * Runs {@code schedule} on the loop thread, which then wakes for each due send itself, so that no other thread
     * has to wake at the send time and then wake the loop; {@code null} stops the schedule running. Returns false
     * when this sender cannot (the caller then paces from its own thread through {@link #onLoop}).
     */
    default boolean pace(Schedule schedule)
    {
        return false;
    }

    /** Why the sender stopped working (its loop failed), or null. */
    default String failure()
    {
        return null;
    }

    @Override
    void close();
}
