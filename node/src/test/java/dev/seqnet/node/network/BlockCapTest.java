package dev.seqnet.node.network;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.crypto.SequencerKey;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.chain.tx.TxDecoder;
import dev.seqnet.chain.tx.TxSigner;
import dev.seqnet.consensus.Member;
import dev.seqnet.consensus.MemberSet;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.SigningDomain;
import dev.seqnet.consensus.core.ConsensusCore;
import dev.seqnet.consensus.core.ConsensusParams;
import dev.seqnet.consensus.core.NullifyReason;
import dev.seqnet.consensus.core.OwnVote;
import dev.seqnet.consensus.core.RecoveredState;
import dev.seqnet.consensus.message.Proposal;
import dev.seqnet.consensus.wire.ProposalBody;
import dev.seqnet.journal.Journal;
import dev.seqnet.journal.JournalReader;
import dev.seqnet.node.core.PoolRemovals;
import dev.seqnet.node.core.SequencerCore;
import dev.seqnet.node.state.ChainView;
import dev.seqnet.ordering.exec.NativeLedger;
import dev.seqnet.ordering.mempool.Mempool;
import dev.seqnet.transport.MediaDriverLauncher;
import dev.seqnet.transport.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Genesis {@code block.max_transactions} (PROTOCOL.md §4.5 V6) through the real host: a leader builds at most
 * that many transactions into a block, and a follower that receives a proposal over the cap finds it INVALID
 * (R5: it nullifies the view with reason INVALID and notarizes nothing), while one at the cap is notarized.
 * The leader and the follower are two {@link NetworkCore}s of a 4-member network at genesis, each on its own
 * journal, ledger and pool; the proposal goes from the leader's journaled body (what it signed and would have
 * sent) to the follower's {@code onFrame}, as the recovery stage hands over a checked peer proposal.
 */
class BlockCapTest
{
    private static final int LEADER = 0;
    private static final int FOLLOWER = 1;
    private static final long VIEW = 1;

    @RegisterExtension
    final HostHarness hosts = new HostHarness();

    @Test
    void aLeaderBuildsNoMoreThanTheCapAndTheRestWaitsForTheNextBlock() throws Exception
    {
        final NetworkCore leader = member(LEADER, 4);
        admit(leader, transfers(6));
        final ProposalBody body = proposedBody(LEADER);
        assertEquals(4, body.proposal().block().txHashes().size(), "six pending, four allowed");
        assertEquals(4, body.txs().size());
    }

    @Test
    void aFollowerNotarizesAProposalAtTheCap() throws Exception
    {
        final List<EthTransaction> txs = transfers(4);
        final Proposal proposal = proposalOf(txs);
        final NetworkCore follower = member(FOLLOWER, 4);
        admit(follower, txs);
        follower.onFrame(proposal, LEADER);

        final OwnVote vote = ownVote(FOLLOWER);
        assertEquals(MessageKind.NOTARIZE, vote.kind());
        assertEquals(proposal.blockHash(), vote.blockHash());
        follower.onTick(System.currentTimeMillis());
        assertEquals(0, follower.status().counters().dropInvalidProposal());
    }

    @Test
    void aFollowerFindsAProposalOverTheCapInvalidAndNullifiesTheView() throws Exception
    {
        final List<EthTransaction> txs = transfers(5);
        final Proposal proposal = proposalOf(txs);
        final NetworkCore follower = member(FOLLOWER, 4);
        admit(follower, txs); // every transaction at hand: only the count is wrong
        follower.onFrame(proposal, LEADER);

        final OwnVote vote = ownVote(FOLLOWER);
        assertEquals(MessageKind.NULLIFY, vote.kind(), "R5: an invalid proposal is nullified, never notarized");
        assertEquals(NullifyReason.INVALID, vote.reason());
        follower.onTick(System.currentTimeMillis());
        assertEquals(1, follower.status().counters().dropInvalidProposal());
        assertNull(follower.failure(), "a bad proposal never stops the member");
    }

    @Test
    void aProposalOverTheCapIsInvalidEvenBeforeItsTransactionsArrive() throws Exception
    {
        final Proposal proposal = proposalOf(transfers(5));
        final NetworkCore follower = member(FOLLOWER, 4);
        follower.onFrame(proposal, LEADER); // the follower holds none of the five: no waiting, no TxRequest

        final OwnVote vote = ownVote(FOLLOWER);
        assertEquals(MessageKind.NULLIFY, vote.kind());
        assertEquals(NullifyReason.INVALID, vote.reason());
    }

    /** The proposal a leader with room for all of {@code txs} makes of them. */
    private Proposal proposalOf(final List<EthTransaction> txs) throws Exception
    {
        final NetworkCore leader = member(LEADER, 512);
        admit(leader, txs);
        final Proposal proposal = proposedBody(LEADER).proposal();
        assertEquals(txs.size(), proposal.block().txHashes().size());
        return proposal;
    }

    private static void admit(final NetworkCore host, final List<EthTransaction> txs)
    {
        for (final EthTransaction tx : txs)
        {
            assertNull(host.onTransaction(tx));
        }
        host.onEndOfBatch(System.currentTimeMillis()); // tells the core: a leader builds, a follower's deadline moves
    }

    /** {@code n} transfers from distinct funded accounts, senders recovered as on ingress. */
    private static List<EthTransaction> transfers(final int n) throws Exception
    {
        final TxDecoder decoder = new TxDecoder(HostHarness.CHAIN_ID);
        final List<EthTransaction> txs = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            txs.add(decoder.decode(TxSigner.signDynamicFee(HostHarness.CHAIN_ID, 0, 1_000_000L, 100_000_000_000L, 21_000L,
                Address.fromHex("0x000000000000000000000000000000000000dEaD"), BigInteger.ONE, new byte[0], HostHarness.ACCOUNT_KEYS[i])));
        }
        return txs;
    }

    private NetworkCore member(final int self, final int cap) throws Exception
    {
        return hosts.member(self, cap);
    }

    /** The body of the proposal member {@code self} journaled last (before signing and sending it, §8.1). */
    private ProposalBody proposedBody(final int self) throws Exception
    {
        final List<ProposalBody> bodies = recovery(self).bodies(0);
        assertTrue(!bodies.isEmpty(), "member " + self + " proposed nothing");
        return bodies.get(bodies.size() - 1);
    }

    /** The only own vote member {@code self} journaled in {@link #VIEW}. */
    private OwnVote ownVote(final int self) throws Exception
    {
        final List<OwnVote> votes = recovery(self).state(null).ownVotes().stream()
            .filter(v -> v.view() == VIEW && v.kind() != MessageKind.PROPOSAL).toList();
        assertEquals(1, votes.size(), "one vote in the view: " + votes);
        return votes.get(0);
    }

    private ConsensusRecovery recovery(final int self) throws Exception
    {
        return hosts.recovery(self);
    }
}
