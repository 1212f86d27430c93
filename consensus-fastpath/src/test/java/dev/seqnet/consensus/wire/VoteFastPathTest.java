package dev.seqnet.consensus.wire;

import dev.seqnet.chain.Hash32;
import dev.seqnet.consensus.Allocations;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.SignatureCheck;
import dev.seqnet.consensus.message.ConsensusMessage;
import dev.seqnet.consensus.message.MutableVote;
import dev.seqnet.consensus.message.Vote;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The allocation-free vote path ({@link ConsensusCodec#decodeVote(org.agrona.DirectBuffer, int, int, MutableVote)},
 * {@link InboundVerifier#verifyVote}, {@code SigningDomain}'s digests into a caller's array) gives
 * exactly what the object path gives, frame by frame, and allocates nothing.
 */
class VoteFastPathTest
{
    private final Samples samples = new Samples();
    private final WireFixtures f = samples.f;
    private final ConsensusCodec codec = new ConsensusCodec();

    @Test
    void digestsIntoACallersArrayEqualTheAllocatingOnes()
    {
        final byte[] out = new byte[32];
        for (final MessageKind kind : MessageKind.values())
        {
            final byte[] hash = kind == MessageKind.NULLIFY ? Hash32.ZERO.bytes() : samples.b5.bytes();
            f.domain.voteDigest(kind, 77, hash, out);
            assertArrayEquals(f.domain.voteDigest(kind, 77, hash), out, kind.toString());
        }
        final byte[] parent = samples.b6.bytes();
        f.domain.proposalDigest(5, samples.b5.bytes(), out);
        assertArrayEquals(f.domain.proposalDigest(5, samples.b5.bytes()), out);
        assertThrows(IllegalArgumentException.class, () -> f.domain.voteDigest(MessageKind.NOTARIZE, 1, new byte[31], out));
        assertThrows(IllegalArgumentException.class, () -> f.domain.voteDigest(MessageKind.NOTARIZE, 1, parent, new byte[31]));
    }

    @Test
    void decodesEveryVoteKindLikeTheObjectDecoder()
    {
        final MutableVote into = new MutableVote();
        for (final String name : new String[] {"notarize", "nullify", "fallback", "finalize"})
        {
            final Vote v = (Vote)samples.consensus().get(name);
            final byte[] frame = codec.encode(v);
            final byte[] padded = new byte[frame.length + 9];
            System.arraycopy(frame, 0, padded, 5, frame.length);
            assertNull(codec.decodeVote(new UnsafeBuffer(padded), 5, frame.length, into), name);
            assertTrue(into.sameAs(v), name + ": " + into);
            final Vote copy = into.toVote();
            assertTrue(into.sameAs(copy), name);
            assertNotSame(into.signatureBuffer(), copy.signature(), "toVote copies the bytes");
        }
    }

    /**
     * Seeded corruptions of vote frames, and of frames of other templates: a frame read as a vote (or
     * refused by size or template before decoding) gets the verdict, drop reason and fields verify()
     * gives; a frame of another consensus template is MALFORMED for verifyVote. Every drop is counted once.
     */
    @Test
    void verifyVoteAgreesWithVerifyOnCorruptedFrames()
    {
        final InboundVerifier objects = new InboundVerifier(f.members, f.domain);
        final InboundVerifier holder = new InboundVerifier(f.members, f.domain);
        final MutableVote into = new MutableVote();
        int accepted = 0;
        int dropped = 0;
        int otherTemplates = 0;
        for (final String name : new String[] {"notarize", "nullify", "fallback", "finalize", "proposal", "fast"})
        {
            final byte[] valid = codec.encode(samples.consensus().get(name));
            final Random random = new Random(name.hashCode() + 11L);
            for (int i = 0; i < 5_000; i++)
            {
                final byte[] frame = i == 0 ? valid : CorruptionFuzzTest.mutate(valid, random);
                final UnsafeBuffer buffer = new UnsafeBuffer(frame);
                final Decoded<ConsensusMessage> expected = objects.verify(buffer, 0, frame.length);
                final DropReason got = holder.verifyVote(buffer, 0, frame.length, into);
                final boolean readAsVote = FrameReader.templateId(buffer, 0, frame.length) == Templates.VOTE ||
                    FrameLimits.check(buffer, 0, frame.length) != null;
                if (!readAsVote)
                {
                    otherTemplates++;
                    assertEquals(DropReason.MALFORMED, got, name + " round " + i);
                }
                else if (expected.isOk())
                {
                    accepted++;
                    assertNull(got, name + " round " + i);
                    assertTrue(into.sameAs((Vote)expected.value()), name + " round " + i);
                }
                else
                {
                    assertEquals(expected.drop(), got, name + " round " + i);
                }
                dropped += got == null ? 0 : 1;
            }
        }
        assertTrue(accepted > 4 && otherTemplates > 1_000, accepted + " votes accepted, " + otherTemplates + " other templates");
        assertEquals(dropped, holder.counters().total(), "every drop counted once");
    }

    @Test
    void badSignatureAndNonMemberAreDroppedAndCounted()
    {
        final InboundVerifier verifier = new InboundVerifier(f.members, f.domain);
        final MutableVote into = new MutableVote();
        final Vote n = (Vote)samples.consensus().get("notarize");
        final byte[] asFinalize = codec.encode(new Vote(MessageKind.FINALIZE, n.signer(), n.view(), n.blockHash(), n.signature()));
        assertEquals(DropReason.BAD_SIGNATURE, verifier.verifyVote(new UnsafeBuffer(asFinalize), 0, asFinalize.length, into));
        final byte[] stranger = codec.encode(new Vote(MessageKind.NOTARIZE, 4, n.view(), n.blockHash(), n.signature()));
        assertEquals(DropReason.NON_MEMBER, verifier.verifyVote(new UnsafeBuffer(stranger), 0, stranger.length, into));
        assertEquals(1, verifier.counters().get(DropReason.BAD_SIGNATURE));
        assertEquals(1, verifier.counters().get(DropReason.NON_MEMBER));
        assertEquals(2, verifier.counters().total());
    }

    @Test
    void mutableVoteKeepsTheVoteShape()
    {
        final MutableVote v = new MutableVote();
        final byte[] sig = new byte[64];
        assertThrows(IllegalArgumentException.class, () -> v.set(MessageKind.PROPOSAL, 1, 1, new byte[32], sig));
        assertThrows(IllegalArgumentException.class, () -> v.set(MessageKind.NULLIFY, 1, 1, samples.b5.bytes(), sig));
        assertThrows(IllegalArgumentException.class, () -> v.set(MessageKind.NOTARIZE, 1, 1, new byte[31], sig));
        assertThrows(IllegalArgumentException.class, () -> v.set(MessageKind.NOTARIZE, 1, 1, new byte[32], new byte[63]));
        final byte[] hash = samples.b5.bytes();
        v.set(MessageKind.NOTARIZE, 2, 9, hash, sig);
        hash[0] ^= 1;
        assertArrayEquals(samples.b5.bytes(), v.blockHashBuffer(), "set copies");
    }

    /** decode + membership + digest + libsecp256k1 verify of a peer vote: no Java allocation at all. */
    @Test
    void verifyVoteAllocatesNothing()
    {
        Allocations.assumeSupported();
        for (final SignatureCheck check : new SignatureCheck[] {SignatureCheck.SECP256K1, (s, d, k) -> true})
        {
            final InboundVerifier verifier = new InboundVerifier(f.members, f.domain, check, new DropCounters());
            final MutableVote into = new MutableVote();
            final byte[] frame = codec.encode(samples.consensus().get("notarize"));
            final UnsafeBuffer buffer = new UnsafeBuffer(frame);
            final int calls = 2_000;
            for (int i = 0; i < calls; i++)
            {
                assertNull(verifier.verifyVote(buffer, 0, frame.length, into));
            }
            final long before = Allocations.allocated();
            int ok = 0;
            for (int i = 0; i < calls; i++)
            {
                ok += verifier.verifyVote(buffer, 0, frame.length, into) == null ? 1 : 0;
            }
            final long bytes = Allocations.allocated() - before;
            assertEquals(calls, ok);
            assertTrue(bytes < calls, "allocated " + bytes + " bytes in " + calls + " checks");
        }
    }
}
