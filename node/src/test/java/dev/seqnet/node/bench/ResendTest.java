package dev.seqnet.node.bench;

import dev.seqnet.chain.tx.TxRejection;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generator as a client under overload, against a {@link FakeMember} that refuses some sends: every
 * transaction it refuses for now is sent again, unchanged, so that no account is left with a nonce gap and
 * every transaction finalizes; the resends are counted; and each transaction's latency still runs from its
 * first scheduled send.
 */
class ResendTest
{
    private static final long CHAIN_ID = 5115;
    private static final int ACCOUNTS = 5;
    /** Sends of a first run, never refused: it opens the connections and warms the JIT, so replies come back in time. */
    private static final int PRIMING = 200;
    private static final int TXS = 200;
    private static final long BACKOFF_MS = 100;
    /** 250 tx/s over 5 accounts: each account's next nonce is due every 20 ms, well inside one backoff. */
    private static final double RATE = 250;
    /** The drain ends once everything is final, so a long grace only matters on a starved machine. */
    private static final double GRACE_S = 30;

    @Test
    void refusedTransactionsAreSentAgainUntilEveryAccountIsGapFreeAndAllFinalize() throws Exception
    {
        final Object[] poolFull = {-32000, TxRejection.POOL_FULL.message()};
        final Object[] overloaded = {-32005, TxRejection.OVERLOADED.message()};
        final Object[] tooFarAhead = {-32000, TxRejection.NONCE_TOO_HIGH.message()};
        final AtomicBoolean armed = new AtomicBoolean();
        final FakeMember.Policy policy = (id, arrival) ->
        {
            if (!armed.get())
            {
                return null;
            }
            if (id == 10 && arrival < 3)
            {
                return overloaded; // three times in a row: the backoff doubles
            }
            if (id == 20 && arrival == 0)
            {
                return FakeMember.DROP_REPLY; // admitted, reply lost: the resend hears "already known"
            }
            if (id == 33 && arrival == 0)
            {
                return tooFarAhead;
            }
            return id % 3 == 0 && arrival == 0 ? poolFull : null;
        };
        final BenchAccounts accounts = BenchAccounts.derived(ACCOUNTS);
        final SignedLoad priming = SignedLoad.sign(accounts, PRIMING, CHAIN_ID);
        final SignedLoad load = SignedLoad.sign(accounts, TXS, CHAIN_ID);
        final StringWriter progress = new StringWriter();
        final RunResult result;
        try (FakeMember fake = FakeMember.start(CHAIN_ID, policy);
            RpcSender sender = new RpcSender(List.of(fake.url()), 4);
            BlockSubscriber subscriber = BlockSubscriber.connect(fake.url()))
        {
            // A cold client queues its first few hundred ms of sends while it connects: that would put them all on
            // the way before any refusal came back.
            final RunResult primed = new OpenLoopRun(sender, new SubscriptionFeed(subscriber), priming, RATE, 0, 0, PRIMING / RATE, GRACE_S,
                new PrintWriter(new StringWriter()), null, null, "").run();
            assertEquals(PRIMING, primed.finalized());
            assertEquals(0, primed.resent());
            armed.set(true);
            result = new OpenLoopRun(sender, new SubscriptionFeed(subscriber), load, RATE, 0, 0, TXS / RATE, GRACE_S, new PrintWriter(progress),
                null, null, "").firstBackoffMs(BACKOFF_MS).run();

            assertEquals(TXS, result.sent());
            assertEquals(TXS, result.finalized(), "every transaction finalized: " + result + "\n" + progress);
            assertEquals(0, result.rejected());
            assertEquals(0, result.errors());
            assertEquals(0, result.lost());
            for (int a = 0; a < ACCOUNTS; a++)
            {
                assertEquals((PRIMING + TXS) / ACCOUNTS, fake.committedNonce(accounts.address(a)), "account " + a + " has no gap");
            }
            final int refused = fake.refusals().size();
            assertEquals(1 + 3 + 1 + (TXS / 3 + 1 - 2), refused,
                "ids 0, 3, …, 198 once each (33 refused otherwise, id 10 is not a multiple), id 10 three times, id 33 once: "
                    + fake.refusals());
            assertEquals(1, fake.drops());
            // One resend per refusal, and one for the lost reply unless its block arrived within the backoff (then
            // the transaction is in, and sending it again would be pointless).
            assertTrue(result.resent() >= refused && result.resent() <= refused + fake.drops(),
                "one resend per refusal or lost reply, no more: " + result.resent() + " for " + refused + " + " + fake.drops());
            assertEquals(refused + fake.drops(), result.resentReasons().values().stream().mapToLong(Long::longValue).sum(),
                "every refusal and failure counted by reason: " + result.resentReasons());
            assertEquals(3, result.resentReasons().get("node overloaded"));
            assertEquals(1, result.resentReasons().get("nonce too high"));
            assertEquals(1, result.resentReasons().get("request failed"));
            // An account's later transactions wait while an earlier one is refused: only those already on the way
            // when the refusal came back reach the member behind the gap. Sent regardless, nearly every
            // transaction after an account's first refusal would (about five are due per backoff).
            assertTrue(fake.admittedBehindAGap() < TXS / 4, "admitted behind a gap: " + fake.admittedBehindAGap() + "\n" + progress);
        }
        // A transaction refused once waited at least one backoff (less its jitter of up to a quarter) before it
        // got in, counted from its first scheduled send; a fresh one takes a block or two (5 ms each).
        final long waitedOneBackoff = result.latency().getCountBetweenValues(BACKOFF_MS * 750, Long.MAX_VALUE);
        assertTrue(waitedOneBackoff >= TXS / 3, "latency from the first scheduled send: " + waitedOneBackoff + " of " + TXS +
            " took one backoff or more");
        assertTrue(result.latency().getMaxValue() >= (BACKOFF_MS * (1 + 2 + 4)) * 750,
            "id 10 was refused three times: 100 + 200 + 400 ms of backoff (less jitter), max " + result.latency().getMaxValue());
        assertTrue(progress.toString().contains("resent "), progress.toString());
    }

    @Test
    void anAccountHasAtMostItsWindowOfTransactionsOutWhileBlocksLag() throws Exception
    {
        final BenchAccounts accounts = BenchAccounts.derived(ACCOUNTS);
        final SignedLoad priming = SignedLoad.sign(accounts, PRIMING, CHAIN_ID);
        final SignedLoad load = SignedLoad.sign(accounts, TXS, CHAIN_ID);
        try (FakeMember fake = FakeMember.start(CHAIN_ID, (id, arrival) -> null);
            RpcSender sender = new RpcSender(List.of(fake.url()), 4);
            BlockSubscriber subscriber = BlockSubscriber.connect(fake.url()))
        {
            // Blocks stall for longer than the sends take: without a window every account's sends pile up.
            final PrintWriter quiet = new PrintWriter(new StringWriter());
            fake.pauseBlocksFor((long)(2_000 * PRIMING / RATE));
            new OpenLoopRun(sender, new SubscriptionFeed(subscriber), priming, RATE, 0, 0, PRIMING / RATE, GRACE_S, quiet, null, null, "").window(0).run();
            assertTrue(fake.deepestQueue() > 4, "without a window the pool holds what blocks lag behind: " + fake.deepestQueue());

            fake.resetDeepestQueue();
            fake.pauseBlocksFor((long)(2_000 * TXS / RATE));
            final RunResult result = new OpenLoopRun(sender, new SubscriptionFeed(subscriber), load, RATE, 0, 0, TXS / RATE, GRACE_S, quiet, null, null, "")
                .window(4).run();
            assertEquals(TXS, result.finalized());
            assertEquals(0, result.resent());
            assertTrue(fake.deepestQueue() <= 4, "with a window of 4 no account had more waiting: " + fake.deepestQueue());
        }
    }

    @Test
    void repliesAreTakenRefusedForNowOrRefusedForGoodAsAWalletWould()
    {
        assertEquals(ReplyKind.ACCEPTED, ReplyKind.of(null, 0));
        assertEquals(ReplyKind.ACCEPTED, ReplyKind.of(TxRejection.ALREADY_KNOWN.message(), 0));
        assertEquals(ReplyKind.ACCEPTED, ReplyKind.of(TxRejection.NONCE_TOO_LOW.message(), 1), "an earlier attempt got in");
        assertEquals(ReplyKind.REJECTED, ReplyKind.of(TxRejection.NONCE_TOO_LOW.message(), 0), "the first send: a real conflict");
        assertEquals(ReplyKind.RETRY, ReplyKind.of(TxRejection.POOL_FULL.message(), 0));
        assertEquals(ReplyKind.RETRY, ReplyKind.of(TxRejection.OVERLOADED.message(), 4));
        assertEquals(ReplyKind.RETRY, ReplyKind.of(TxRejection.ACCOUNT_LIMIT.message(), 0));
        assertEquals(ReplyKind.RETRY, ReplyKind.of(TxRejection.NONCE_TOO_HIGH.message(), 0));
        assertEquals(ReplyKind.REJECTED, ReplyKind.of(TxRejection.INSUFFICIENT_FUNDS.message(), 0));
        assertEquals(ReplyKind.REJECTED, ReplyKind.of(TxRejection.INVALID_SIGNATURE.message() + ": detail", 0));
        assertEquals(null, ReplyKind.errorMessage("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0xab\"}"));
        assertEquals("txpool is full",
            ReplyKind.errorMessage("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32000,\"message\":\"txpool is full\"}}"));
    }
}
