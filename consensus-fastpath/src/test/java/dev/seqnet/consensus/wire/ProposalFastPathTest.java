package dev.seqnet.consensus.wire;

import dev.seqnet.consensus.Allocations;
import dev.seqnet.consensus.SignatureCheck;
import dev.seqnet.consensus.message.BlockCandidate;
import dev.seqnet.consensus.message.ConsensusMessage;
import dev.seqnet.consensus.message.MutableProposal;
import dev.seqnet.consensus.message.Proposal;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The allocation-free proposal path ({@link ConsensusCodec#decodeProposal(org.agrona.DirectBuffer, int, int, MutableProposal)},
 * {@link InboundVerifier#verifyProposal}) gives exactly what the object path gives, frame by frame,
 * and allocates nothing, up to the most transaction hashes a proposal may carry.
 */
class ProposalFastPathTest
{
    private final Samples samples = new Samples();
    private final WireFixtures f = samples.f;
    private final ConsensusCodec codec = new ConsensusCodec();

    @Test
    void decodesProposalsOfEverySizeLikeTheObjectDecoder()
    {
        final MutableProposal into = new MutableProposal();
        assertFalse(into.isSet());
        // Largest first: a later, shorter proposal must not keep hashes of the earlier one.
        for (final int txs : new int[] {BlockCandidate.MAX_TX_HASHES, 100, 3, 0})
        {
            final Proposal p = f.proposal(9, 7, txs);
            final byte[] frame = codec.encode(p);
            final byte[] padded = new byte[frame.length + 9];
            System.arraycopy(frame, 0, padded, 5, frame.length);
            assertNull(codec.decodeProposal(new UnsafeBuffer(padded), 5, frame.length, into), txs + " txs");
            assertTrue(into.sameAs(p), txs + " txs: " + into);
            final Proposal copy = into.toProposal();
            assertTrue(into.sameAs(copy));
            assertTrue(java.util.Arrays.equals(frame, codec.encode(copy)), "the copy encodes to the same frame");
            assertNotSame(into.signatureBuffer(), copy.signature(), "toProposal copies the bytes");
            assertTrue(new MutableProposal().set(p).sameAs(p), "set(Proposal) copies every field");
        }
    }

    /**
     * Seeded corruptions of proposal frames, and of frames of other templates: a frame read as a
     * proposal (or refused by size or template before decoding) gets the verdict, drop reason and
     * fields verify() gives; a frame of another consensus template is MALFORMED for verifyProposal.
     * Every drop is counted once.
     */
    @Test
    void verifyProposalAgreesWithVerifyOnCorruptedFrames()
    {
        final InboundVerifier objects = new InboundVerifier(f.members, f.domain);
        final InboundVerifier holder = new InboundVerifier(f.members, f.domain);
        final MutableProposal into = new MutableProposal();
        int accepted = 0;
        int dropped = 0;
        int otherTemplates = 0;
        for (final String name : new String[] {"proposal", "emptyProposal", "notarize", "fast"})
        {
            final byte[] valid = codec.encode(samples.consensus().get(name));
            final Random random = new Random(name.hashCode() + 13L);
            for (int i = 0; i < 3_000; i++)
            {
                final byte[] frame = i == 0 ? valid : CorruptionFuzzTest.mutate(valid, random);
                final UnsafeBuffer buffer = new UnsafeBuffer(frame);
                final Decoded<ConsensusMessage> expected = objects.verify(buffer, 0, frame.length);
                final DropReason got = holder.verifyProposal(buffer, 0, frame.length, into);
                final boolean readAsProposal = FrameReader.templateId(buffer, 0, frame.length) == Templates.PROPOSAL ||
                    FrameLimits.check(buffer, 0, frame.length) != null;
                if (!readAsProposal)
                {
                    otherTemplates++;
                    assertEquals(DropReason.MALFORMED, got, name + " round " + i);
                }
                else if (expected.isOk())
                {
                    accepted++;
                    assertNull(got, name + " round " + i);
                    assertTrue(into.sameAs((Proposal)expected.value()), name + " round " + i);
                }
                else
                {
                    assertEquals(expected.drop(), got, name + " round " + i);
                }
                dropped += got == null ? 0 : 1;
            }
        }
        assertTrue(accepted > 4 && otherTemplates > 1_000, accepted + " proposals accepted, " + otherTemplates + " other templates");
        assertEquals(dropped, holder.counters().total(), "every drop counted once");
    }

    @Test
    void wrongLeaderNonMemberAndBadSignatureAreDroppedAndCounted()
    {
        final InboundVerifier verifier = new InboundVerifier(f.members, f.domain);
        final MutableProposal into = new MutableProposal();
        final int leader = f.members.schedule().leader(5);
        final byte[] wrong = codec.encode(f.proposal(5, 3, 2, (leader + 1) % f.members.size()));
        assertEquals(DropReason.WRONG_LEADER, verifier.verifyProposal(new UnsafeBuffer(wrong), 0, wrong.length, into));
        final Proposal p = f.proposal(5, 3, 2);
        final byte[] stranger = codec.encode(new Proposal(p.view(), p.parentView(), f.members.size(), p.block(), p.signature()));
        assertEquals(DropReason.NON_MEMBER, verifier.verifyProposal(new UnsafeBuffer(stranger), 0, stranger.length, into));
        final BlockCandidate b = p.block();
        final byte[] otherParent = codec.encode(new Proposal(p.view(), p.parentView(), p.leader(), new BlockCandidate(
            b.blockHash(), WireFixtures.hash("another parent"), b.height(), b.timestamp(), b.l1FeeRateHi(), b.l1FeeRateLo(),
            b.gasUsed(), b.baseFee(), b.stateRoot(), b.txMerkleRoot(), b.headerSignature(), b.txHashes()), p.signature()));
        assertEquals(DropReason.BAD_SIGNATURE, verifier.verifyProposal(new UnsafeBuffer(otherParent), 0, otherParent.length, into));
        // parentView is not signed (PROTOCOL.md §3.2): a changed one passes here, and the core finds the
        // parent from its own certificates whatever the proposal names.
        final byte[] otherParentView = codec.encode(new Proposal(p.view(), p.parentView() - 1, p.leader(), p.block(), p.signature()));
        assertNull(verifier.verifyProposal(new UnsafeBuffer(otherParentView), 0, otherParentView.length, into));
        final byte[] oversize = new byte[FrameLimits.PROPOSAL + 1];
        System.arraycopy(codec.encode(p), 0, oversize, 0, 10);
        assertEquals(DropReason.OVERSIZE, verifier.verifyProposal(new UnsafeBuffer(oversize), 0, oversize.length, into));
        assertEquals(4, verifier.counters().total());
    }

    @Test
    void mutableProposalKeepsTheProposalShape()
    {
        final MutableProposal p = new MutableProposal();
        assertThrows(IllegalArgumentException.class, () -> p.setDecoded(5, 5, 0, 1, 0, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> p.setDecoded(5, -1, 0, 1, 0, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> p.setDecoded(5, 4, 0, 0, 0, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class,
            () -> p.setDecoded(5, 4, 0, 1, 0, 0, 0, 0, 0, BlockCandidate.MAX_TX_HASHES + 1));
        assertFalse(p.isSet());
    }

    /** decode (100 transaction hashes) + leader + digest + libsecp256k1 verify of a peer proposal: no Java allocation. */
    @Test
    void verifyProposalAllocatesNothing()
    {
        Allocations.assumeSupported();
        for (final SignatureCheck check : new SignatureCheck[] {SignatureCheck.SECP256K1, (s, d, k) -> true})
        {
            final InboundVerifier verifier = new InboundVerifier(f.members, f.domain, check, new DropCounters());
            final MutableProposal into = new MutableProposal();
            final byte[] frame = codec.encode(f.proposal(9, 7, 100));
            final UnsafeBuffer buffer = new UnsafeBuffer(frame);
            final int calls = 2_000;
            for (int i = 0; i < 10 * calls; i++)
            {
                assertNull(verifier.verifyProposal(buffer, 0, frame.length, into)); // warm-up: compilation, first calls
            }
            final long before = Allocations.allocated();
            int ok = 0;
            for (int i = 0; i < calls; i++)
            {
                ok += verifier.verifyProposal(buffer, 0, frame.length, into) == null ? 1 : 0;
            }
            final long bytes = Allocations.allocated() - before;
            assertEquals(calls, ok);
            assertTrue(bytes < calls, "allocated " + bytes + " bytes in " + calls + " checks");
        }
    }
}
