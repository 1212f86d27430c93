package dev.seqnet.node.network;

import org.agrona.concurrent.Agent;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DutyCycleTimerTest
{
    /** Odd cycles work for 2 ms, even ones find nothing to do. */
    private static final class Alternating implements Agent
    {
        int calls;
        boolean started;
        boolean closed;

        @Override
        public int doWork()
        {
            if (++calls % 2 == 0)
            {
                return 0;
            }
            final long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2);
            while (System.nanoTime() < until)
            {
                Thread.onSpinWait();
            }
            return 1;
        }

        @Override
        public void onStart()
        {
            started = true;
        }

        @Override
        public void onClose()
        {
            closed = true;
        }

        @Override
        public String roleName()
        {
            return "alternating";
        }
    }

    @Test
    void summarisesTheBusyCyclesOfEachCompletedWindow() throws Exception
    {
        final Alternating agent = new Alternating();
        final DutyCycleTimer timer = new DutyCycleTimer(agent, TimeUnit.MILLISECONDS.toNanos(200));
        timer.onStart();
        assertTrue(agent.started);
        assertEquals("alternating", timer.roleName());
        assertEquals(0L, timer.toMap().get("transport.cycles"), "nothing before the first window closes");

        for (int i = 0; i < 20; i++) // calls 1..20: ten busy, ten idle
        {
            timer.doWork();
        }
        assertEquals(0L, timer.toMap().get("transport.cycles"), "the window is still open");
        Thread.sleep(250); // after an idle call: a busy cycle is timed at the start of the next call
        timer.doWork(); // call 21 (busy) closes the window
        final Map<String, Long> first = timer.toMap();
        assertEquals(10L, first.get("transport.cycles"), "only the busy cycles count: " + first);
        assertTrue(first.get("transport.cycleP50Us") >= 2000 && first.get("transport.cycleP50Us") < 200_000, first.toString());
        assertTrue(first.get("transport.cycleMaxUs") >= first.get("transport.cycleP99Us"));

        timer.doWork(); // call 22 (idle) times call 21
        Thread.sleep(250);
        timer.doWork(); // call 23 closes the second window
        final Map<String, Long> second = timer.toMap();
        assertEquals(1L, second.get("transport.cycles"), second.toString());
        assertTrue(second.get("transport.cycleMaxUs") >= 2000 && second.get("transport.cycleMaxUs") < 200_000, second.toString());
        assertEquals(Math.max(first.get("transport.cycleMaxUs"), second.get("transport.cycleMaxUs")),
            second.get("transport.cycleMaxEverUs"), "the longest ever is kept");

        timer.onClose();
        assertTrue(agent.closed);
    }
}
