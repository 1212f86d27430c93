package dev.seqnet.transport;

import org.agrona.CloseHelper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Free UDP ports on loopback, for tests, benchmarks and local networks that must not collide. */
public final class LoopbackPorts
{
    private LoopbackPorts()
    {
    }

    /**
     * {@code count} distinct UDP ports that were free a moment ago (held together while chosen, so
     * they differ from each other; another process could still take one before it is bound).
     */
    public static int[] freeUdpPorts(final int count)
    {
        final DatagramSocket[] sockets = holdUdpPorts(count);
        try
        {
            final int[] ports = new int[count];
            for (int i = 0; i < count; i++)
            {
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        }
        finally
        {
            CloseHelper.closeAll(sockets);
        }
    }

    /**
     * {@code count} loopback UDP sockets bound to distinct ephemeral ports, open until the caller closes them: while
     * they are open no other pick (this process's {@link #freeUdpPorts} included) can be handed their ports.
     */
    public static DatagramSocket[] holdUdpPorts(final int count)
    {
        final DatagramSocket[] sockets = new DatagramSocket[count];
        try
        {
            for (int i = 0; i < count; i++)
            {
                sockets[i] = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            }
            return sockets;
        }
        catch (final IOException ex)
        {
            CloseHelper.closeAll(sockets);
            throw new UncheckedIOException(ex);
        }
    }
}
