package dev.seqnet.node.ingress;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** What a client may name as its response channel, and what the member makes of it. */
class ClientIngressChannelTest
{
    @Test
    void aUnicastIpEndpointIsKeptAndEveryOtherParameterReplaced()
    {
        assertEquals("aeron:udp?endpoint=127.0.0.1:40700|term-length=262144",
            ClientIngress.responseChannel("aeron:udp?endpoint=127.0.0.1:40700", 262144));
        assertEquals("aeron:udp?endpoint=10.0.0.7:5|term-length=65536",
            ClientIngress.responseChannel("aeron:udp?endpoint=10.0.0.7:5|term-length=1g|linger=0|session-id=7|interface=10.0.0.1", 65536),
            "the client does not size the member's buffers or set anything else");
        assertEquals("aeron:udp?endpoint=[::1]:40700|term-length=262144",
            ClientIngress.responseChannel("aeron:udp?endpoint=[::1]:40700", 262144));
    }

    @Test
    void anythingElseIsRefused()
    {
        assertNull(ClientIngress.responseChannel("aeron:ipc", 262144));
        assertNull(ClientIngress.responseChannel("aeron:udp?control=127.0.0.1:40700|control-mode=dynamic", 262144));
        assertNull(ClientIngress.responseChannel("aeron:udp?endpoint=239.255.0.1:40456", 262144), "multicast");
        assertNull(ClientIngress.responseChannel("aeron:udp?endpoint=0.0.0.0:40456", 262144), "wildcard");
        assertNull(ClientIngress.responseChannel("aeron:udp?endpoint=localhost:40700", 262144), "a name would be looked up");
        assertNull(ClientIngress.responseChannel("aeron:udp?endpoint=127.0.0.1:0", 262144));
        assertNull(ClientIngress.responseChannel("aeron:udp?endpoint=127.0.0.1:70000", 262144));
        assertNull(ClientIngress.responseChannel("aeron:udp?endpoint=127.0.0.1", 262144));
        assertNull(ClientIngress.responseChannel("not a uri", 262144));
        assertNull(ClientIngress.responseChannel("", 262144));
    }

    @Test
    void aReplyQueueTooSmallForTheLongestNoticeIsRefused()
    {
        final ClientIngress.Context small = new ClientIngress.Context().channel("aeron:udp?endpoint=127.0.0.1:40700")
            .replyQueueBytes(ClientIngress.Context.MIN_REPLY_QUEUE_BYTES / 2);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, small::conclude,
            "Agrona's ring takes records up to an eighth of it: a 160-id notice would throw on the sequencer thread");
        new ClientIngress.Context().channel("aeron:udp?endpoint=127.0.0.1:40700")
            .replyQueueBytes(ClientIngress.Context.MIN_REPLY_QUEUE_BYTES).conclude();
    }
}
