package dev.seqnet.baseline.raft;

import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.cluster.codecs.CloseReason;
import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredService;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * The baseline's replicated state machine: it counts the messages committed to the log and echoes
 * each one back to the session that sent it, nothing else, so what is measured is Raft itself (append,
 * replicate to a quorum, commit, apply) plus one round trip. Only the leader's echo leaves the member
 * (a follower's {@link ClientSession#offer} is a no-op), and the count survives snapshots.
 */
final class EchoService implements ClusteredService
{
    private final int memberId;
    private final PrintStream out;
    private final UnsafeBuffer snapshotBuffer = new UnsafeBuffer(new byte[Long.BYTES]);
    private IdleStrategy idle;
    /** The replicated state: messages applied so far. */
    private long messageCount;
    /** Not state (followers never echo): echoes dropped because the client's egress was gone. */
    private long droppedEchoes;

    /**
     * @param memberId this member's id, for the report lines.
     * @param out      where role changes and new leadership terms are reported, one line each (the launcher reads them).
     */
    EchoService(final int memberId, final PrintStream out)
    {
        this.memberId = memberId;
        this.out = out;
    }

    @Override
    public void onStart(final Cluster cluster, final Image snapshotImage)
    {
        this.idle = cluster.idleStrategy();
        if (snapshotImage != null)
        {
            loadSnapshot(snapshotImage);
        }
        report("service started, messages " + messageCount);
    }

    private void loadSnapshot(final Image image)
    {
        final boolean[] loaded = {false};
        idle.reset();
        while (!loaded[0])
        {
            final int fragments = image.poll((buffer, offset, length, header) ->
            {
                messageCount = buffer.getLong(offset);
                loaded[0] = true;
            }, 1);
            if (fragments == 0)
            {
                if (image.isEndOfStream())
                {
                    throw new IllegalStateException("snapshot ended before its message count");
                }
                idle.idle();
            }
        }
    }

    @Override
    public void onSessionOpen(final ClientSession session, final long timestamp)
    {
        report("session " + session.id() + " open");
    }

    @Override
    public void onSessionClose(final ClientSession session, final long timestamp, final CloseReason closeReason)
    {
        report("session " + session.id() + " closed (" + closeReason + "), messages " + messageCount +
            (droppedEchoes > 0 ? ", echoes dropped " + droppedEchoes : ""));
    }

    @Override
    public void onSessionMessage(
        final ClientSession session,
        final long timestamp,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final Header header)
    {
        messageCount++;
        idle.reset();
        while (true)
        {
            final long result = session.offer(buffer, offset, length);
            if (result > 0)
            {
                return;
            }
            if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION)
            {
                // The client is slow or the term is rotating: wait, as the log itself would.
                idle.idle();
                continue;
            }
            // NOT_CONNECTED, CLOSED, MAX_POSITION_EXCEEDED: the client's egress is gone; the message
            // is still committed and counted, only its echo is lost (the client reports it as lost).
            droppedEchoes++;
            return;
        }
    }

    @Override
    public void onTimerEvent(final long correlationId, final long timestamp)
    {
    }

    @Override
    public void onTakeSnapshot(final ExclusivePublication snapshotPublication)
    {
        snapshotBuffer.putLong(0, messageCount);
        idle.reset();
        while (true)
        {
            final long result = snapshotPublication.offer(snapshotBuffer, 0, Long.BYTES);
            if (result > 0)
            {
                return;
            }
            if (result != Publication.BACK_PRESSURED && result != Publication.ADMIN_ACTION)
            {
                throw new IllegalStateException("snapshot offer failed: " + Publication.errorString(result));
            }
            idle.idle();
        }
    }

    @Override
    public void onRoleChange(final Cluster.Role newRole)
    {
        report("role " + newRole);
    }

    @Override
    public void onNewLeadershipTermEvent(
        final long leadershipTermId,
        final long logPosition,
        final long timestamp,
        final long termBaseLogPosition,
        final int leaderMemberId,
        final int logSessionId,
        final TimeUnit timeUnit,
        final int appVersion)
    {
        report(ClusterMember.LEADER_LINE + leaderMemberId + " term " + leadershipTermId);
    }

    @Override
    public void onTerminate(final Cluster cluster)
    {
        report("terminating, messages " + messageCount);
    }

    private void report(final String line)
    {
        out.println("member " + memberId + ": " + line);
        out.flush();
    }
}
