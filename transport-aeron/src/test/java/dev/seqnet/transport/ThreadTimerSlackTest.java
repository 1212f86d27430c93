package dev.seqnet.transport;

import org.agrona.CloseHelper;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ThreadTimerSlackTest
{
    @Test
    void setsTheCallingThreadsSlackOnly() throws Exception
    {
        final long before = ThreadTimerSlack.current();
        assumeTrue(before > 0, "this kernel has /proc/thread-self/timerslack_ns");
        final long target = before == 7_000 ? 8_000 : 7_000;

        final long seen = CompletableFuture.supplyAsync(() ->
        {
            if (!ThreadTimerSlack.apply(target))
            {
                return -2L;
            }
            return ThreadTimerSlack.current();
        }, r -> new Thread(r).start()).get(10, TimeUnit.SECONDS);
        assumeTrue(-2L != seen, "the file is writable here");

        assertEquals(target, seen);
        assertEquals(before, ThreadTimerSlack.current(), "another thread's slack is untouched");
        assertThrows(IllegalArgumentException.class, () -> ThreadTimerSlack.apply(0));
    }

    @Test
    void theTransportAgentSetsItsThreadsSlackFromTheContext() throws Exception
    {
        assumeTrue(ThreadTimerSlack.current() > 0);
        final TestNetwork network = new TestNetwork(Transport.Mode.UNICAST, 2, 64 * 1024, ctx -> ctx.timerSlackNs(3_000));
        try
        {
            network.startMember(0, false);
            final TransportAgent agent = new TransportAgent(network.transports[0], (from, buffer, offset, length) -> {});
            final long seen = CompletableFuture.supplyAsync(() ->
            {
                agent.onStart();
                return ThreadTimerSlack.current();
            }, r -> new Thread(r).start()).get(10, TimeUnit.SECONDS);
            assertEquals(3_000, seen);
        }
        finally
        {
            CloseHelper.close(network);
        }
    }
}
