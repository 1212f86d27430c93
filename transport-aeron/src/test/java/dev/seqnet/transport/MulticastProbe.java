package dev.seqnet.transport;

import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Whether UDP multicast works on the loopback interface of this host (some containers and kernels lack it):
 * joins a group on the interface of 127.0.0.1 and checks a datagram sent to the group comes back.
 */
final class MulticastProbe
{
    private MulticastProbe()
    {
    }

    /** Empty if multicast loops back on 127.0.0.1, else why not. */
    static String problem(final String groupEndpoint)
    {
        final int colon = groupEndpoint.lastIndexOf(':');
        try
        {
            final InetAddress group = InetAddress.getByName(groupEndpoint.substring(0, colon));
            final int port = Integer.parseInt(groupEndpoint.substring(colon + 1));
            final NetworkInterface loopback = NetworkInterface.getByInetAddress(InetAddress.getByName("127.0.0.1"));
            try (MulticastSocket socket = new MulticastSocket(port))
            {
                socket.setOption(StandardSocketOptions.IP_MULTICAST_IF, loopback);
                socket.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 0);
                socket.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
                socket.joinGroup(new InetSocketAddress(group, port), loopback);
                socket.setSoTimeout(1000);
                final byte[] probe = "seqnet-multicast-probe".getBytes(StandardCharsets.US_ASCII);
                socket.send(new DatagramPacket(probe, probe.length, group, port));
                final byte[] received = new byte[64];
                final DatagramPacket packet = new DatagramPacket(received, received.length);
                socket.receive(packet);
                return Arrays.equals(probe, Arrays.copyOf(received, packet.getLength())) ?
                    "" : "a different datagram came back on " + groupEndpoint;
            }
        }
        catch (final SocketTimeoutException ex)
        {
            return "a datagram sent to " + groupEndpoint + " on 127.0.0.1 did not loop back within 1 s";
        }
        catch (final Exception ex)
        {
            return "multicast on 127.0.0.1 failed: " + ex;
        }
    }
}
