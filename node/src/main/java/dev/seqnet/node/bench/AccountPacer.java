package dev.seqnet.node.bench;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends a run's transactions as a careful client does under overload, so that a refusal never leaves an
 * account with a nonce gap. A transaction the member refuses for now ({@link ReplyKind#RETRY}: pool or ring
 * full, account limit, nonce too far ahead, a failed request) is sent again unchanged after a backoff
 * (50 ms doubling to 1 s, jittered), to the next member each time; meanwhile the account's later
 * transactions are held back, and once it is in they go out one at a time, in nonce order, each when
 * the previous one is in. An account without a refusal pending is not slowed at all: its transactions go
 * out when they are due, whatever the replies (open loop).
 *
 * <p>Holding back is what a wallet does, and it keeps the member's work useful: a later nonce sent while
 * an earlier one is refused would only be queued behind the gap or refused as well. At most one
 * transaction per account waits for a resend, so resends are bounded by the number of accounts a
 * second, not by the backlog.
 *
 * <p>For the same reason an account has at most {@code window} transactions out and not yet final (0:
 * no limit): a member queues only so many per sender ({@code mempool.account_slots}, and nonces at most
 * 64 ahead), so a client that keeps sending past that only collects refusals, each of which costs the
 * member a sender recovery. The window is reached only when finalization lags the account's rate by
 * seconds (32 transactions at 2.5 tx/s an account is 13 s), never in a run the network keeps up with.
 *
 * <p>Every method runs on the {@link TxSender}'s loop thread, except {@link #due}, which posts to it, and
 * the counters, which any thread may read. The states in {@code state} are shared with the run, which
 * marks transactions {@link #FINALIZED} from the subscriber's thread.
 */
final class AccountPacer implements TxSender.Replies
{
    /** Not yet due. */
    static final int NOT_DUE = 0;
    /** Sent, no reply yet. */
    static final int IN_FLIGHT = 1;
    /** Admitted by a member, not seen in a block yet. */
    static final int ACCEPTED = 2;
    /** Seen in a finalized block. */
    static final int FINALIZED = 3;
    /** Refused for good. */
    static final int REJECTED = 4;
    /** Refused for now or its request failed: the account's gate, sent again when its backoff ends. */
    static final int RETRY_WAIT = 5;
    /** Due, but held back behind an earlier transaction of its account that is not in yet. */
    static final int HELD = 6;

    static final long FIRST_BACKOFF_MS = 50;
    static final long MAX_BACKOFF_MS = 1_000;
    /** Default most transactions of one account out and not yet final: half a member's default account slots. */
    static final int DEFAULT_WINDOW = 32;
    /** How often accounts held at their window look again. */
    private static final long WINDOW_CHECK_MS = 5;

    /** What the run counts. */
    interface Outcomes
    {
        /** Transaction {@code i} was refused for good, with the member's message. */
        void rejected(int i, String message);

        /** A refusal or failure that will be retried, for the run's samples of what the members said. */
        void refusedForNow(int i, String message);
    }

    private final TxSender sender;
    /** Loop thread only: the run has ended ({@link #stop}). */
    private boolean stopped;
    private final SignedLoad load;
    private final AtomicIntegerArray state;
    private final Outcomes outcomes;
    private final long firstBackoffMs;
    private final int stride;
    /** Per account slot ({@code i mod stride}): the transaction later ones wait for, or −1. */
    private final int[] gate;
    private final int[] attempts;
    /** Whether the last attempt of each transaction failed on the way (no reply) rather than being refused. */
    private final boolean[] lastFailed;
    private final AtomicLong resent = new AtomicLong();
    private final int window;
    /** Per account slot: its lowest transaction that may not be final yet (moved on lazily). */
    private final int[] oldest;
    /** Per account slot: the transaction held, unsent, as its gate until the window has room, or −1. */
    private final int[] atWindow;
    private final int[] waiting;
    private final int[] released;
    private int waitingCount;
    private boolean checkScheduled;
    private int dueEnd;

    /**
     * @param state          one entry per transaction of {@code load}, all {@link #NOT_DUE}.
     * @param firstBackoffMs the first pause before a resend (doubling up to {@link #MAX_BACKOFF_MS}).
     * @param window         most transactions of one account out and not yet final; 0 for no limit.
     */
    AccountPacer(
        final TxSender sender, final SignedLoad load, final AtomicIntegerArray state, final Outcomes outcomes,
        final long firstBackoffMs, final int window)
    {
        this.window = window;
        this.sender = sender;
        this.load = load;
        this.state = state;
        this.outcomes = outcomes;
        this.firstBackoffMs = firstBackoffMs;
        this.stride = load.accounts();
        this.gate = new int[stride];
        java.util.Arrays.fill(gate, -1);
        this.attempts = new int[load.size()];
        this.lastFailed = new boolean[load.size()];
        this.oldest = new int[stride];
        java.util.Arrays.setAll(oldest, slot -> slot);
        this.atWindow = new int[stride];
        java.util.Arrays.fill(atWindow, -1);
        this.waiting = new int[stride];
        this.released = new int[stride];
    }

    /** Sends sent again so far (attempts after each transaction's first). */
    long resent()
    {
        return resent.get();
    }

    /** Whether transaction {@code i}'s last attempt failed on the way rather than being refused (after the run). */
    boolean lastAttemptFailed(final int i)
    {
        return lastFailed[i];
    }

    /** Transactions {@code from} … {@code to − 1} are due: each goes out unless its account is held back. */
    void due(final int from, final int to)
    {
        sender.onLoop(() -> dueOnLoop(from, to));
    }

    /** {@link #due} on the sender's loop thread (from a {@link TxSender.Schedule} it runs). */
    void dueOnLoop(final int from, final int to)
    {
        dueEnd = to;
        for (int i = from; i < to; i++)
        {
            final int slot = i % stride;
            if (gate[slot] >= 0)
            {
                state.compareAndSet(i, NOT_DUE, HELD);
            }
            else if (windowFull(i))
            {
                state.compareAndSet(i, NOT_DUE, HELD);
                holdAtWindow(slot, i);
            }
            else
            {
                send(i, NOT_DUE);
            }
        }
    }

    @Override
    public void replied(final int i, final String error)
    {
        lastFailed[i] = false;
        switch (ReplyKind.of(error, attempts[i] - 1))
        {
            case ACCEPTED:
                state.compareAndSet(i, IN_FLIGHT, ACCEPTED);
                isIn(i);
                break;
            case RETRY:
                outcomes.refusedForNow(i, error);
                refusedForNow(i);
                break;
            default:
                if (state.compareAndSet(i, IN_FLIGHT, REJECTED))
                {
                    outcomes.rejected(i, error);
                }
                // The account now has a gap for good (or the transaction got in after all): holding the rest
                // back would not close it.
                isIn(i);
                break;
        }
    }

    @Override
    public void failed(final int i, final Throwable cause)
    {
        outcomes.refusedForNow(i, "request failed: " + cause);
        lastFailed[i] = true;
        refusedForNow(i);
    }

    /** A transaction to send again: it becomes its account's gate unless an earlier one already is. */
    private void refusedForNow(final int i)
    {
        if (!state.compareAndSet(i, IN_FLIGHT, RETRY_WAIT))
        {
            isIn(i); // finalized meanwhile: an earlier attempt got in
            return;
        }
        final int slot = i % stride;
        final int current = gate[slot];
        if (current >= 0 && current < i)
        {
            state.compareAndSet(i, RETRY_WAIT, HELD); // goes out in order once the gate is in
            return;
        }
        if (current > i)
        {
            state.compareAndSet(current, RETRY_WAIT, HELD); // if still in flight, its reply decides
        }
        gate[slot] = i;
        final long backoff = Math.min(MAX_BACKOFF_MS, firstBackoffMs << Math.min(attempts[i] - 1, 10));
        final long jittered = backoff - ThreadLocalRandom.current().nextLong(backoff / 4 + 1);
        sender.later(Math.max(1, jittered), () -> resend(i));
    }

    /**
     * Ends this pacer's run: resends and window checks still queued on the sender do nothing, so a run that ended
     * with transactions unresolved sends nothing into the next run.
     */
    void stop()
    {
        sender.onLoop(() -> stopped = true);
    }

    private void resend(final int i)
    {
        if (stopped)
        {
            return;
        }
        if (gate[i % stride] != i)
        {
            return; // an earlier transaction of the account took its place
        }
        if (!send(i, RETRY_WAIT))
        {
            isIn(i);
        }
    }

    /** Transaction {@code i} is in (or out for good): if its account waited for it, the next held one goes. */
    private void isIn(final int i)
    {
        final int slot = i % stride;
        if (gate[slot] != i)
        {
            return;
        }
        for (int j = i + stride; j < dueEnd; j += stride)
        {
            if (state.get(j) != HELD)
            {
                continue;
            }
            if (windowFull(j))
            {
                holdAtWindow(slot, j);
                return;
            }
            if (send(j, HELD))
            {
                gate[slot] = j;
                return;
            }
        }
        gate[slot] = -1;
    }

    /** Whether transaction {@code i}'s account already has {@code window} transactions before it not yet final. */
    private boolean windowFull(final int i)
    {
        if (window == 0)
        {
            return false;
        }
        final int slot = i % stride;
        int o = oldest[slot];
        int s;
        while (o < i && ((s = state.get(o)) == FINALIZED || s == REJECTED))
        {
            o += stride;
        }
        oldest[slot] = o;
        return (i - o) / stride >= window;
    }

    /** Held transaction {@code i} becomes its account's gate until the window has room; checked every few ms. */
    private void holdAtWindow(final int slot, final int i)
    {
        gate[slot] = i;
        if (atWindow[slot] < 0)
        {
            waiting[waitingCount++] = slot;
        }
        atWindow[slot] = i;
        if (!checkScheduled)
        {
            checkScheduled = true;
            sender.later(WINDOW_CHECK_MS, this::checkWindows);
        }
    }

    private void checkWindows()
    {
        checkScheduled = false;
        if (stopped)
        {
            return;
        }
        final int listed = waitingCount;
        int ready = 0;
        waitingCount = 0;
        for (int k = 0; k < listed; k++)
        {
            final int slot = waiting[k];
            final int g = atWindow[slot];
            if (gate[slot] == g && windowFull(g))
            {
                waiting[waitingCount++] = slot;
            }
            else
            {
                // Room now, or an earlier transaction was refused meanwhile and the account waits for it first.
                released[ready++] = gate[slot] == g ? g : -1;
                atWindow[slot] = -1;
            }
        }
        for (int k = 0; k < ready; k++)
        {
            final int g = released[k];
            if (g >= 0 && !send(g, HELD))
            {
                isIn(g); // in already: an earlier attempt got in
            }
        }
        if (waitingCount > 0 && !checkScheduled)
        {
            checkScheduled = true;
            sender.later(WINDOW_CHECK_MS, this::checkWindows);
        }
    }

    /**
     * Sends (or sends again) transaction {@code i} if it is still in state {@code from}; false when it is
     * not (finalized meanwhile: an earlier attempt got in).
     */
    private boolean send(final int i, final int from)
    {
        if (!state.compareAndSet(i, from, IN_FLIGHT))
        {
            return false;
        }
        if (attempts[i] > 0)
        {
            resent.incrementAndGet();
        }
        attempts[i]++;
        sender.send(load, i, attempts[i] - 1, this);
        return true;
    }
}
