package dev.seqnet.node.ingress;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the binary client ingress has seen and dropped, readable from any thread ({@code seq_status} reports them
 * as {@code client.*}). Written by the ingress agent, and {@link #repliesDropped}, {@link #noticesDropped} and
 * {@link #noticesUntracked} by the sequencer thread too.
 */
public final class ClientIngressCounters
{
    /** Whole messages read from clients. */
    final AtomicLong frames = new AtomicLong();
    /** Frames too short, over the largest message, of another schema or version, of an unknown template, or with a
     * transaction length past their end. */
    final AtomicLong malformed = new AtomicLong();
    /** Connects with a response channel that is not a unicast IP endpoint, too long (or its length past the frame's
     * end), or that Aeron refused. */
    final AtomicLong badChannel = new AtomicLong();
    /** Connects accepted (a response publication was asked for). */
    final AtomicLong connects = new AtomicLong();
    /** Connects on a session still waiting for its response publication: ignored, so a client cannot make the
     * member add publications as fast as it can send. */
    final AtomicLong connectsIgnored = new AtomicLong();
    /** Sessions whose CONNECTED reply went out. */
    final AtomicLong sessionsOpened = new AtomicLong();
    /** Sessions closed: client gone, replaced, or never reachable. */
    final AtomicLong sessionsClosed = new AtomicLong();
    /** Connects refused because {@code max_sessions} were open. */
    final AtomicLong sessionsRefused = new AtomicLong();
    /** Sessions whose response publication did not connect in time. */
    final AtomicLong connectTimeouts = new AtomicLong();
    /** Submits from a client without a session (no connect first, or before CONNECTED): dropped, nowhere to answer. */
    final AtomicLong noSession = new AtomicLong();
    /** Submits read from sessions. */
    final AtomicLong submits = new AtomicLong();
    /** Replies sent. */
    final AtomicLong replies = new AtomicLong();
    /** Offers of a reply that met ADMIN_ACTION and were retried on a later duty cycle. */
    final AtomicLong replyRetries = new AtomicLong();
    /** Replies not sent: reply queue full, session closed, or the client's publication back-pressured (not reading). */
    final AtomicLong repliesDropped = new AtomicLong();
    /** {@code TxFinalized} notices sent. */
    final AtomicLong notices = new AtomicLong();
    /** Notices not sent: queue full, session closed, or its publication back-pressured. */
    final AtomicLong noticesDropped = new AtomicLong();
    /** Admitted transactions given up on before their block came (more than the tracked number were waiting). */
    final AtomicLong noticesUntracked = new AtomicLong();

    /** Every counter by its {@code seq_status} name. */
    public Map<String, Long> toMap()
    {
        final Map<String, Long> map = new LinkedHashMap<>();
        map.put("client.frames", frames.get());
        map.put("client.malformed", malformed.get());
        map.put("client.badChannel", badChannel.get());
        map.put("client.connects", connects.get());
        map.put("client.connectsIgnored", connectsIgnored.get());
        map.put("client.sessionsOpened", sessionsOpened.get());
        map.put("client.sessionsClosed", sessionsClosed.get());
        map.put("client.sessionsRefused", sessionsRefused.get());
        map.put("client.connectTimeouts", connectTimeouts.get());
        map.put("client.noSession", noSession.get());
        map.put("client.submits", submits.get());
        map.put("client.replies", replies.get());
        map.put("client.replyRetries", replyRetries.get());
        map.put("client.repliesDropped", repliesDropped.get());
        map.put("client.notices", notices.get());
        map.put("client.noticesDropped", noticesDropped.get());
        map.put("client.noticesUntracked", noticesUntracked.get());
        return map;
    }
}
