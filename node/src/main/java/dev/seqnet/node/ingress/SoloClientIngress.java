package dev.seqnet.node.ingress;

import dev.seqnet.ringbuffer.IngressPipeline;
import dev.seqnet.transport.MediaDriverLauncher;
import io.aeron.Aeron;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;

/**
 * A one-member node's binary client ingress: with no transport to share, it starts its own media driver (invoker
 * mode) and Aeron client, and one thread whose duty cycle runs both and the {@link ClientIngress}. A member of a
 * network runs the ingress on its transport thread instead.
 */
public final class SoloClientIngress implements AutoCloseable
{
    private final MediaDriverLauncher driver;
    private final Aeron aeron;
    private final ClientIngress ingress;
    private AgentRunner runner;

    private SoloClientIngress(final MediaDriverLauncher driver, final Aeron aeron, final ClientIngress ingress)
    {
        this.driver = driver;
        this.aeron = aeron;
        this.ingress = ingress;
    }

    /**
     * Starts the driver in {@code aeronDirectoryName} (deleted on start and close) and the client, and subscribes;
     * nothing is read until {@link #start}.
     */
    public static SoloClientIngress launch(
        final ClientIngress.Context ctx, final String aeronDirectoryName, final int termLength, final IngressPipeline pipeline)
    {
        MediaDriverLauncher driver = null;
        Aeron aeron = null;
        try
        {
            driver = MediaDriverLauncher.launch(new MediaDriverLauncher.Context()
                .aeronDirectoryName(aeronDirectoryName)
                .profile(MediaDriverLauncher.Profile.INVOKER)
                .termBufferLength(termLength));
            aeron = driver.connectInvokedClient();
            final ClientIngress ingress = new ClientIngress(
                ctx.driverInvoker(driver.agentInvoker()).conductorInvoker(aeron.conductorAgentInvoker()), aeron, pipeline);
            return new SoloClientIngress(driver, aeron, ingress);
        }
        catch (final RuntimeException | Error e)
        {
            CloseHelper.quietCloseAll(aeron, driver);
            throw e;
        }
    }

    public ClientIngress ingress()
    {
        return ingress;
    }

    /** Starts the ingress's thread with {@code idle} between duty cycles that found nothing to do. */
    public void start(final IdleStrategy idle, final org.agrona.ErrorHandler errorHandler)
    {
        runner = new AgentRunner(idle, errorHandler, null, ingress);
        AgentRunner.startOnThread(runner);
    }

    @Override
    public void close()
    {
        if (null != runner)
        {
            runner.close(); // closes the ingress in its onClose
        }
        else
        {
            ingress.close();
        }
        CloseHelper.quietCloseAll(aeron, driver);
    }
}
