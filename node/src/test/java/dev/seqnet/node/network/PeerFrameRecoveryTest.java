package dev.seqnet.node.network;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.Hash32;
import dev.seqnet.chain.crypto.SequencerKey;
import dev.seqnet.chain.tx.TxSigner;
import dev.seqnet.consensus.Member;
import dev.seqnet.consensus.MemberSet;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.SigningDomain;
import dev.seqnet.consensus.message.BlockCandidate;
import dev.seqnet.consensus.message.MutableProposal;
import dev.seqnet.consensus.message.MutableVote;
import dev.seqnet.consensus.message.Proposal;
import dev.seqnet.consensus.message.Vote;
import dev.seqnet.consensus.wire.ConsensusCodec;
import dev.seqnet.consensus.wire.DropReason;
import dev.seqnet.consensus.wire.SupportCodec;
import dev.seqnet.consensus.wire.TxBatch;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Peer frames as a member's recovery threads see them: good ones decoded, bad ones dropped and counted, never a throw. */
class PeerFrameRecoveryTest
{
    private static final long CHAIN_ID = 5115;
    private final SequencerKey[] keys = new SequencerKey[4];
    private final SigningDomain domain = new SigningDomain(CHAIN_ID, new byte[32]);
    private final PeerFrameRecovery recovery;

    PeerFrameRecoveryTest()
    {
        final List<Member> members = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            final byte[] d = new byte[32];
            d[0] = 0x33;
            d[31] = (byte)(i + 1);
            keys[i] = SequencerKey.fromPrivateKey(d);
            members.add(new Member(keys[i].publicKey(), 1));
        }
        recovery = new PeerFrameRecovery(new MemberSet(members, 0), domain, CHAIN_ID);
    }

    private byte[] vote(final int signer, final SequencerKey key)
    {
        final byte[] hash = new byte[32];
        hash[0] = 7;
        final byte[] sig = domain.signVote(key, MessageKind.NOTARIZE, 5, hash);
        return new ConsensusCodec().encode(new Vote(MessageKind.NOTARIZE, signer, 5, Hash32.wrap(hash), sig));
    }

    @Test
    void aSignedVoteIsDecodedAndAForgedOneIsDroppedAsBadSignature()
    {
        final Object ok = recovery.recover(vote(2, keys[2]), 2);
        assertInstanceOf(Vote.class, ok);
        assertEquals(2, ((Vote)ok).signer());
        // Member 1 claims to be member 2: signed with the wrong key.
        assertNull(recovery.recover(vote(2, keys[1]), 2));
        assertEquals(1, recovery.drops(DropReason.BAD_SIGNATURE));
    }

    @Test
    void streamedTransactionsAreRecoveredAndInvalidOnesCountedPerPeer() throws Exception
    {
        final byte[] good = TxSigner.signDynamicFee(CHAIN_ID, 0, 1_000_000L, 2_000_000_000L, 21_000,
            Address.fromHex("0x000000000000000000000000000000000000dEaD"), BigInteger.ONE, new byte[0], keys[0].privateKey());
        final byte[] otherChain = TxSigner.signDynamicFee(4114, 0, 1_000_000L, 2_000_000_000L, 21_000,
            Address.fromHex("0x000000000000000000000000000000000000dEaD"), BigInteger.ONE, new byte[0], keys[0].privateKey());
        final byte[] frame = new SupportCodec().encode(new TxBatch(1, 0, List.of(good, new byte[] {1, 2, 3}, otherChain)));
        final Object out = recovery.recover(frame, 1);
        assertInstanceOf(PeerFrameRecovery.RecoveredTxs.class, out);
        final PeerFrameRecovery.RecoveredTxs txs = (PeerFrameRecovery.RecoveredTxs)out;
        assertEquals(1, txs.txs().size());
        assertTrue(Arrays.equals(good, txs.txs().get(0).raw()));
        assertEquals(2, recovery.invalidFromPeer(), "garbage and a wrong-chain transaction");
    }

    @Test
    void garbageTruncationsAndBitFlipsNeverThrowAndAreCounted()
    {
        final Random random = new Random(42);
        final byte[] valid = vote(3, keys[3]);
        int accepted = 0;
        for (int i = 0; i < 5_000; i++)
        {
            final byte[] frame;
            switch (i % 3)
            {
                case 0:
                    frame = new byte[random.nextInt(200)];
                    random.nextBytes(frame);
                    break;
                case 1:
                    frame = Arrays.copyOf(valid, random.nextInt(valid.length));
                    break;
                default:
                    frame = valid.clone();
                    frame[random.nextInt(frame.length)] ^= (byte)(1 << random.nextInt(8));
                    break;
            }
            final Object out = recovery.recover(frame, random.nextInt(4));
            if (out != null)
            {
                // A flip in the signature's high-s half or padding can still verify only if the signed
                // content is intact: then it is the same vote.
                assertInstanceOf(Vote.class, out);
                assertEquals(3, ((Vote)out).signer());
                accepted++;
            }
        }
        long drops = 0;
        for (final DropReason r : DropReason.values())
        {
            drops += recovery.drops(r);
        }
        assertEquals(5_000 - accepted, drops, "every dropped frame counted exactly once");
    }

    @Test
    void aVoteGoesIntoTheSlotsHolderAndBadOnesThroughItAreCountedDrops()
    {
        final Object holder = recovery.newHolder();
        assertInstanceOf(MutableVote.class, holder);
        final byte[] good = vote(2, keys[2]);
        final UnsafeBuffer slot = new UnsafeBuffer(new byte[1024]);
        slot.putBytes(100, good);
        assertSame(holder, recovery.recover(slot, 100, good.length, 2, holder), "the holder itself, filled");
        assertTrue(((MutableVote)holder).sameAs(new ConsensusCodec().decodeVote(new UnsafeBuffer(good), 0, good.length).value()));

        final byte[] forged = vote(2, keys[1]);
        slot.putBytes(0, forged);
        assertNull(recovery.recover(slot, 0, forged.length, 2, holder));
        assertEquals(1, recovery.drops(DropReason.BAD_SIGNATURE));
        // A vote frame with trailing bytes past the vote's fixed size: over its limit, unread.
        slot.putBytes(0, good);
        assertNull(recovery.recover(slot, 0, good.length + 1, 2, holder));
        assertEquals(1, recovery.drops(DropReason.OVERSIZE));
        // Truncated, and shorter than a header.
        assertNull(recovery.recover(slot, 0, good.length - 1, 2, holder));
        assertNull(recovery.recover(slot, 0, 5, 2, holder));
        assertEquals(2, recovery.drops(DropReason.MALFORMED));
        // Other templates still take the object path with a holder present.
        final byte[] batch = new SupportCodec().encode(new TxBatch(1, 0, List.of()));
        slot.putBytes(0, batch);
        assertInstanceOf(PeerFrameRecovery.RecoveredTxs.class, recovery.recover(slot, 0, batch.length, 1, holder));
    }

    @Test
    void aProposalIsCheckedInAReusedHolderAndCopiedOnlyWhenItPasses()
    {
        final long view = 5;
        final int leader = new MemberSet(List.of(new Member(keys[0].publicKey(), 1), new Member(keys[1].publicKey(), 1),
            new Member(keys[2].publicKey(), 1), new Member(keys[3].publicKey(), 1)), 0).schedule().leader(view);
        // A real header: the inbound check recomputes the block hash from its fields.
        final Hash32 block = Hash32.wrap(new dev.seqnet.chain.block.L2Header(3, new byte[32], new byte[32],
            java.math.BigInteger.ONE, new byte[32], 1_700_000_000L).hash());
        final BlockCandidate candidate = new BlockCandidate(block, Hash32.ZERO, 3, 1_700_000_000L, 0, 1, 0, 1, Hash32.ZERO,
            Hash32.ZERO, new byte[64], List.of(Hash32.wrap(new byte[32])));
        final Proposal good = new Proposal(view, 4, leader, candidate,
            keys[leader].sign(domain.proposalDigest(view, block.bytes())));
        final byte[] frame = new ConsensusCodec().encode(good);
        final Object first = recovery.recover(frame, leader);
        final Object second = recovery.recover(frame, leader);
        assertInstanceOf(Proposal.class, first);
        assertTrue(new MutableProposal().set(good).sameAs((Proposal)first));
        assertTrue(first != second, "each passing proposal is its own copy");
        // Another parent under the same signed block hash: the header no longer hashes to it.
        final BlockCandidate otherParent = new BlockCandidate(block, Hash32.wrap(new byte[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
            1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}), 3, 1_700_000_000L, 0, 1, 0, 1, Hash32.ZERO, Hash32.ZERO,
            new byte[64], List.of(Hash32.wrap(new byte[32])));
        final byte[] forged = new ConsensusCodec().encode(new Proposal(view, 4, leader, otherParent, good.signature()));
        assertNull(recovery.recover(forged, leader));
        assertEquals(1, recovery.drops(DropReason.BAD_SIGNATURE));
        assertTrue(new MutableProposal().set(good).sameAs((Proposal)first), "the kept copy is not the holder");
    }
}
