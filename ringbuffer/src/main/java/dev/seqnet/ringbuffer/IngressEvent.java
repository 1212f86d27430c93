package dev.seqnet.ringbuffer;

import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.chain.tx.TxRejection;

/**
 * One preallocated, reused ring slot. The producer fills {@code kind}, {@code raw} and
 * {@code callback}; the recovery handler that owns the slot's sequence fills {@code tx} or
 * {@code rejection} and {@code detail}; the sequencer reads them and clears every reference so a
 * slot never keeps a transaction alive after it has been answered. Plain fields: the ring's
 * sequence barriers give the happens-before edges between the stages.
 */
final class IngressEvent
{
    static final int EMPTY = 0;
    static final int TX = 1;
    static final int TICK = 2;
    static final int FRAME = 3;

    int kind = EMPTY;
    byte[] raw;
    IngressCallback callback;
    EthTransaction tx;
    TxRejection rejection;
    String detail;
    int origin;
    Object recovered;

    void reject(final TxRejection reason, final String detail)
    {
        this.tx = null;
        this.rejection = reason;
        this.detail = detail;
    }

    void clear()
    {
        kind = EMPTY;
        raw = null;
        callback = null;
        tx = null;
        rejection = null;
        detail = null;
        origin = 0;
        recovered = null;
    }
}
