package dev.seqnet.bench;

import java.util.Collection;
import java.util.concurrent.TimeUnit;

/** Stopping the member processes a local network or benchmark started on this machine. */
public final class LocalProcesses
{
    private LocalProcesses()
    {
    }

    /** SIGTERM to all (so they close journals and Aeron directories cleanly), then SIGKILL whoever is not gone after 10 s. */
    public static void stopAll(final Collection<Process> processes)
    {
        for (final Process p : processes)
        {
            p.destroy();
        }
        for (final Process p : processes)
        {
            try
            {
                if (!p.waitFor(10, TimeUnit.SECONDS))
                {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
            catch (final InterruptedException e)
            {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
