package dev.seqnet.consensus.core;

import dev.seqnet.chain.Hash32;
import dev.seqnet.chain.crypto.Sha256;
import dev.seqnet.consensus.Certificate;
import dev.seqnet.consensus.CertificateCodec;
import dev.seqnet.consensus.FinalityVerifier;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.message.BlockCandidate;
import dev.seqnet.consensus.message.Proposal;
import dev.seqnet.consensus.message.Vote;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PROTOCOL.md §3.2: a proposal's signature is its leader's {@code Notarize(view, blockHash)}. The
 * leader signs, journals and sends one message per block, followers count the proposal as the
 * leader's vote, certificates carry its signature, and the unsigned {@code parentView} cannot steer a
 * follower away from a valid block. (A whole network of them: {@code ConsensusCoreTest}.)
 */
class ProposalIsNotarizeTest
{
    @Test
    void aFollowerCountsTheProposalAsTheLeadersVote()
    {
        final MiniNet net = new MiniNet(4, 0);
        final int leader = net.params.members().schedule().leader(1);
        final int self = (leader + 1) % 4;
        final List<Command> out = new ArrayList<>();

        // The leader: one signature, one message, no separate Notarize.
        final ConsensusCore leaderCore = started(net, leader, out);
        out.clear();
        leaderCore.on(new Input.TxBatchAdmitted(1_000, 1), out::add);
        final Command.BuildBlock build = only(out, Command.BuildBlock.class);
        out.clear();
        leaderCore.on(new Input.ProposalReady(2_000, 1, build.parentView(), candidate(net, leader, build.parentHash(), build.height(), 1)),
            out::add);
        final Command.PersistThenBroadcast sent = only(out, Command.PersistThenBroadcast.class);
        assertEquals(MessageKind.PROPOSAL, sent.record().kind());
        final Proposal proposal = (Proposal)sent.message();
        assertTrue(net.params.domain().verifyVote(proposal.signature(), net.keys[leader].publicKey(), MessageKind.NOTARIZE, 1,
            proposal.blockHash().bytes()), "the proposal's signature is a Notarize signature");

        // A follower: the proposal and its own vote make two Notarize votes, the two others' F = 4.
        final ConsensusCore core = started(net, self, out);
        out.clear();
        core.on(new Input.MessageReceived(3_000, proposal), out::add);
        assertNotNull(only(out, Command.VerifyBlock.class));
        core.on(new Input.BlockVerified(4_000, 1, proposal.blockHash(), Verdict.VALID), out::add);
        out.clear();
        final int[] others = {(leader + 2) % 4, (leader + 3) % 4};
        core.on(new Input.MessageReceived(5_000, vote(net, MessageKind.NOTARIZE, others[0], 1, proposal.blockHash())), out::add);
        assertEquals(2, core.view(), "the proposal, its own vote and one more are Q = 3: notarized, on to view 2");
        for (final Command c : out)
        {
            assertTrue(!(c instanceof Command.Deliver), "not final with three of four: " + c);
        }
        out.clear();
        core.on(new Input.MessageReceived(6_000, vote(net, MessageKind.NOTARIZE, others[1], 1, proposal.blockHash())), out::add);
        final Command.Deliver deliver = only(out, Command.Deliver.class);
        assertEquals(FinalizationPath.FAST, deliver.block().path());
        final Certificate cert = deliver.block().certificate();
        assertEquals(4, cert.signatureCount());
        // Signatures are in ascending member order; the leader's is the proposal's own.
        assertArrayEquals(proposal.signature(), cert.signature(leader));
        assertTrue(new FinalityVerifier(net.params.members(), net.params.domain()).verify(CertificateCodec.encode(cert)).isValid());
    }

    @Test
    void aForgedParentViewDoesNotMakeAValidProposalInvalid()
    {
        // View 1's block notarized (3 of 4), not final: the old V2 rejected a parent claimed in view
        // 0 (the finalized view) that is not the finalized block.
        forgedParentViewIsVerified(1, 0);
    }

    @Test
    void aCopyNamingAParentViewBelowTheFinalizedOneIsStillVerified()
    {
        // View 1's block final (4 of 4): the old R3 dropped a proposal naming a parent view below it.
        forgedParentViewIsVerified(2, 1);
    }

    /**
     * A follower of leaders 1 and 2 sees view 1's block with {@code votes} other Notarize votes, then
     * view 2's proposal on it in a copy whose (unsigned) parentView says 0: it must still verify it.
     */
    private static void forgedParentViewIsVerified(final int votes, final long finalizedView)
    {
        final MiniNet net = new MiniNet(4, 0);
        final int leader1 = net.params.members().schedule().leader(1);
        final int leader2 = net.params.members().schedule().leader(2);
        int self = 0;
        while (self == leader1 || self == leader2)
        {
            self++;
        }
        final List<Command> out = new ArrayList<>();
        final ConsensusCore core = started(net, self, out);
        final Proposal p1 = proposal(net, 1, 0, Hash32.ZERO, 1);
        core.on(new Input.MessageReceived(1_000, p1), out::add);
        core.on(new Input.BlockVerified(2_000, 1, p1.blockHash(), Verdict.VALID), out::add);
        int sent = 0;
        for (int j = 0; j < 4 && sent < votes; j++)
        {
            if (j != self && j != leader1)
            {
                core.on(new Input.MessageReceived(3_000, vote(net, MessageKind.NOTARIZE, j, 1, p1.blockHash())), out::add);
                sent++;
            }
        }
        assertEquals(2, core.view(), "b1 notarized: on to view 2");
        assertEquals(finalizedView, core.finalizedView());

        final Proposal genuine = proposal(net, 2, 1, p1.blockHash(), 2);
        out.clear();
        core.on(new Input.MessageReceived(4_000, new Proposal(2, 0, genuine.leader(), genuine.block(), genuine.signature())), out::add);
        assertEquals(genuine.blockHash(), only(out, Command.VerifyBlock.class).proposal().blockHash());
        for (final Command c : out)
        {
            assertTrue(!(c instanceof Command.PersistThenBroadcast), "no own vote before verifying: " + c);
        }
    }

    @Test
    void aLeaderVotingForAnotherBlockThanItProposedIsDoubleNotarizeEvidence()
    {
        final MiniNet net = new MiniNet(4, 0);
        final int leader = net.params.members().schedule().leader(1);
        final int self = (leader + 1) % 4;
        final List<Command> out = new ArrayList<>();
        final ConsensusCore core = started(net, self, out);
        final Proposal p = proposal(net, 1, 0, Hash32.ZERO, 1);
        core.on(new Input.MessageReceived(1_000, p), out::add);
        out.clear();
        final Hash32 other = Hash32.wrap(Sha256.hash("another block".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        core.on(new Input.MessageReceived(2_000, vote(net, MessageKind.NOTARIZE, leader, 1, other)), out::add);
        final Evidence e = only(out, Command.RecordEvidence.class).evidence();
        assertEquals(EvidenceKind.DOUBLE_NOTARIZE, e.kind());
        assertEquals(leader, e.member());
        for (final Object m : List.of(e.first(), e.second()))
        {
            final Vote v = (Vote)m;
            assertTrue(net.params.domain().verifyVote(v.signature(), net.keys[leader].publicKey(), MessageKind.NOTARIZE, 1,
                v.blockHash().bytes()), "re-checkable by anyone with genesis: " + v);
        }
    }

    private static Proposal proposal(final MiniNet net, final long view, final long parentView, final Hash32 parent, final long height)
    {
        final int leader = net.params.members().schedule().leader(view);
        final BlockCandidate c = candidate(net, leader, parent, height, view);
        return new Proposal(view, parentView, leader, c,
            net.keys[leader].sign(net.params.domain().proposalDigest(view, c.blockHash().unsafeBytes())));
    }

    /** A block as {@link MiniNet} builds them (the core checks no header fields). */
    private static BlockCandidate candidate(final MiniNet net, final int leader, final Hash32 parent, final long height, final long view)
    {
        final ByteBuffer buf = ByteBuffer.allocate(32 + 16);
        buf.put(parent.unsafeBytes()).putLong(height).putLong(view);
        final Hash32 hash = Hash32.wrap(Sha256.hash(buf.array()));
        return new BlockCandidate(hash, parent, height, view, 0, 1, 0, 1, Hash32.ZERO, Hash32.ZERO,
            net.keys[leader].sign(hash.unsafeBytes()), List.of());
    }

    private static Vote vote(final MiniNet net, final MessageKind kind, final int signer, final long view, final Hash32 block)
    {
        return new Vote(kind, signer, view, block, net.params.domain().signVote(net.keys[signer], kind, view, block.bytes()));
    }

    /** Member {@code self}'s core, started; what the start emitted is in {@code out}. */
    private static ConsensusCore started(final MiniNet net, final int self, final List<Command> out)
    {
        final ConsensusCore core = new ConsensusCore(net.params, self, net.keys[self]::sign, RecoveredState.GENESIS);
        core.on(new Input.Start(0), out::add);
        return core;
    }

    private static <T> T only(final List<Command> commands, final Class<T> type)
    {
        T found = null;
        for (final Command c : commands)
        {
            if (type.isInstance(c))
            {
                assertTrue(found == null, "more than one " + type.getSimpleName() + ": " + commands);
                found = type.cast(c);
            }
        }
        assertNotNull(found, "no " + type.getSimpleName() + " in " + commands);
        return found;
    }
}
