package dev.seqnet.ringbuffer;

import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.chain.tx.TxRejection;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The answer to one submission: counts how often it was called and keeps the last outcome. */
class Answer implements IngressCallback
{
    final AtomicInteger calls = new AtomicInteger();
    final CountDownLatch done = new CountDownLatch(1);
    volatile EthTransaction admitted;
    volatile TxRejection reason;
    volatile String detail;
    volatile Thread thread;

    @Override
    public void onAdmitted(final EthTransaction tx)
    {
        admitted = tx;
        thread = Thread.currentThread();
        calls.incrementAndGet();
        done.countDown();
    }

    @Override
    public void onRejected(final TxRejection reason, final String detail)
    {
        this.reason = reason;
        this.detail = detail;
        thread = Thread.currentThread();
        calls.incrementAndGet();
        done.countDown();
    }

    void await() throws InterruptedException
    {
        if (!done.await(10, TimeUnit.SECONDS))
        {
            throw new AssertionError("no answer within 10 s");
        }
    }
}
