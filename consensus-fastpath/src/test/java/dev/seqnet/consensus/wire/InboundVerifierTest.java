package dev.seqnet.consensus.wire;

import dev.seqnet.chain.Hash32;
import dev.seqnet.consensus.Certificate;
import dev.seqnet.consensus.CertificateKind;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.SignatureCheck;
import dev.seqnet.consensus.SigningDomain;
import dev.seqnet.consensus.message.CertificateRequest;
import dev.seqnet.consensus.message.ConsensusMessage;
import dev.seqnet.consensus.message.BlockCandidate;
import dev.seqnet.consensus.message.Proposal;
import dev.seqnet.consensus.message.Vote;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InboundVerifierTest
{
    private final Samples samples = new Samples();
    private final WireFixtures f = samples.f;
    private final ConsensusCodec codec = new ConsensusCodec();
    private final SupportCodec supportCodec = new SupportCodec();
    private final InboundVerifier verifier = new InboundVerifier(f.members, f.domain);

    @Test
    void acceptsEveryValidConsensusMessageAndCountsNothing()
    {
        for (final var e : samples.consensus().entrySet())
        {
            final byte[] frame = codec.encode(e.getValue());
            final Decoded<ConsensusMessage> d = verifier.verify(new UnsafeBuffer(frame), 0, frame.length);
            assertTrue(d.isOk(), e.getKey() + " " + d);
            assertNull(d.drop());
        }
        for (final var e : samples.support().entrySet())
        {
            final byte[] frame = supportCodec.encode(e.getValue());
            assertTrue(verifier.verifySupport(new UnsafeBuffer(frame), 0, frame.length).isOk(), e.getKey());
        }
        assertEquals(0, verifier.counters().total());
    }

    @Test
    void oversizeIsCheckedBeforeDecoding()
    {
        final byte[] vote = Arrays.copyOf(encode(samples.consensus().get("notarize")), 116);
        expect(DropReason.OVERSIZE, vote);
        // A CertificateRequest header over a 27-byte frame: the size decides, whatever the bytes.
        expect(DropReason.OVERSIZE, Arrays.copyOf(encode(new CertificateRequest(0, 1, 2)), 27));
    }

    @Test
    void malformedFramesAreCountedOnce()
    {
        final byte[] proposal = encode(samples.consensus().get("proposal"));
        expect(DropReason.MALFORMED, Arrays.copyOf(proposal, proposal.length + 1)); // trailing byte
        expect(DropReason.MALFORMED, Arrays.copyOf(proposal, proposal.length - 1)); // truncated
        expect(DropReason.MALFORMED, new byte[5]);                                  // no header
        final byte[] vote = encode(samples.consensus().get("notarize"));
        expect(DropReason.MALFORMED, patch(vote, 8, 9));       // vote kind 9
        expect(DropReason.MALFORMED, patch(vote, 8, 1));       // PROPOSAL is not a vote kind
        expect(DropReason.MALFORMED, patch(vote, 6, 1));       // version 1
        expect(DropReason.MALFORMED, patch(vote, 4, 0));       // schema id
        expect(DropReason.MALFORMED, patch(vote, 0, 106));     // block length
        final byte[] nullify = encode(samples.consensus().get("nullify"));
        expect(DropReason.MALFORMED, patch(nullify, 30, 1));   // Nullify with a non-zero hash
        final byte[] zeroView = vote.clone();
        Arrays.fill(zeroView, 11, 19, (byte)0);
        expect(DropReason.MALFORMED, zeroView);
        final byte[] cert = encode(samples.consensus().get("fast"));
        expect(DropReason.MALFORMED, patch(cert, 8, 5));       // certificate kind 5
        expect(DropReason.MALFORMED, patch(cert, 115, 5));     // signature count says 5, frame holds 4
        expect(DropReason.MALFORMED, patch(encode(new CertificateRequest(0, 5, 5)), 18, 4)); // toView 4 < fromView 5
        // A support template on the consensus path.
        expect(DropReason.MALFORMED, supportCodec.encode(new StatusRequest(1)));
        // A template this schema does not define.
        expect(DropReason.MALFORMED, patch(vote, 2, 99));
    }

    @Test
    void nonMemberIndicesAreDropped()
    {
        final byte[] digest = f.domain.voteDigest(MessageKind.NOTARIZE, 5, samples.b5.bytes());
        // Signed by a real key, but claims index 4 of a 4-member set.
        expect(DropReason.NON_MEMBER, encode(new Vote(MessageKind.NOTARIZE, 4, 5, samples.b5, f.keys[0].sign(digest))));
        expect(DropReason.NON_MEMBER, encode(new CertificateRequest(4, 1, 2)));
        final Certificate fast = (Certificate)samples.consensus().get("fast");
        final byte[][] sigs = new byte[5][];
        for (int i = 0; i < 4; i++)
        {
            sigs[i] = fast.signature(i);
        }
        sigs[4] = fast.signature(0);
        expect(DropReason.NON_MEMBER, encode(new Certificate(CertificateKind.FINALIZATION_FAST, 5, samples.b5.bytes(),
            Certificate.bitmap(0, 1, 2, 3, 4), new byte[32], sigs)));
        expectSupport(DropReason.NON_MEMBER, new StatusRequest(4));
        expectSupport(DropReason.NON_MEMBER, new SyncResponse(0, List.of(new SyncedBlock(5, 3, 7, new byte[3])),
            new dev.seqnet.consensus.FinalityProof(new byte[0], List.of())));
    }

    @Test
    void aProposalFromAnotherMemberThanTheLeaderIsWrongLeader()
    {
        final int leader = f.members.schedule().leader(5);
        final int other = (leader + 1) % 4;
        final Proposal p = f.proposal(5, 3, 2, other); // correctly signed by `other`
        expect(DropReason.WRONG_LEADER, encode(p));
        expectSupport(DropReason.WRONG_LEADER, new BlockResponse(1, p, List.of()));
    }

    @Test
    void badSignaturesAreDropped()
    {
        // Signed for another genesis: a valid signature over a different digest.
        final SigningDomain other = new SigningDomain(WireFixtures.CHAIN_ID, new byte[32]);
        expect(DropReason.BAD_SIGNATURE, encode(new Vote(MessageKind.NOTARIZE, 1, 5, samples.b5,
            other.signVote(f.keys[1], MessageKind.NOTARIZE, 5, samples.b5.bytes()))));
        // Another member's signature.
        expect(DropReason.BAD_SIGNATURE, encode(new Vote(MessageKind.FINALIZE, 1, 5, samples.b5,
            f.domain.signVote(f.keys[2], MessageKind.FINALIZE, 5, samples.b5.bytes()))));
        // A Notarize signature presented as a Finalize.
        final Vote n = (Vote)samples.consensus().get("notarize");
        expect(DropReason.BAD_SIGNATURE, encode(new Vote(MessageKind.FINALIZE, n.signer(), n.view(), n.blockHash(), n.signature())));
        // A proposal whose parent hash (a header field: the signed block hash no longer matches) or
        // timestamp was changed after signing.
        final Proposal p = (Proposal)samples.consensus().get("proposal");
        final BlockCandidate b = p.block();
        expect(DropReason.BAD_SIGNATURE, encode(new Proposal(p.view(), p.parentView(), p.leader(), new BlockCandidate(
            b.blockHash(), WireFixtures.hash("another parent"), b.height(), b.timestamp(), b.l1FeeRateHi(), b.l1FeeRateLo(),
            b.gasUsed(), b.baseFee(), b.stateRoot(), b.txMerkleRoot(), b.headerSignature(), b.txHashes()), p.signature())));
        expect(DropReason.BAD_SIGNATURE, encode(new Proposal(p.view(), p.parentView(), p.leader(), new BlockCandidate(
            b.blockHash(), b.parentHash(), b.height(), b.timestamp() + 1, b.l1FeeRateHi(), b.l1FeeRateLo(),
            b.gasUsed(), b.baseFee(), b.stateRoot(), b.txMerkleRoot(), b.headerSignature(), b.txHashes()), p.signature())));
        // Certificates: below the fast threshold, and one forged signature.
        expect(DropReason.BAD_SIGNATURE, encode(f.certificate(CertificateKind.FINALIZATION_FAST, 5, samples.b5, new int[] {0, 1, 2})));
        final Certificate slow = (Certificate)samples.consensus().get("slow");
        expect(DropReason.BAD_SIGNATURE, encode(new Certificate(slow.kind(), slow.view(), slow.blockHash(), slow.signers(),
            slow.fallback(), new byte[][] {slow.signature(0), slow.signature(2), slow.signature(1)})));
    }

    @Test
    void theSignatureCheckIsUsedForVotesProposalsAndCertificates()
    {
        final AtomicInteger calls = new AtomicInteger();
        final SignatureCheck refuseAll = (sig, digest, key) ->
        {
            calls.incrementAndGet();
            return false;
        };
        final InboundVerifier strict = new InboundVerifier(f.members, f.domain, refuseAll, new DropCounters());
        for (final String name : new String[] {"proposal", "notarize", "fast"})
        {
            final byte[] frame = encode(samples.consensus().get(name));
            assertEquals(DropReason.BAD_SIGNATURE, strict.verify(new UnsafeBuffer(frame), 0, frame.length).drop(), name);
        }
        assertEquals(3, calls.get());
        assertEquals(3, strict.counters().get(DropReason.BAD_SIGNATURE));

        final SignatureCheck acceptAll = (sig, digest, key) -> true;
        final InboundVerifier lax = new InboundVerifier(f.members, f.domain, acceptAll, new DropCounters());
        final byte[] forged = encode(new Vote(MessageKind.NOTARIZE, 1, 5, samples.b5, new byte[64]));
        assertTrue(lax.verify(new UnsafeBuffer(forged), 0, forged.length).isOk());
    }

    @Test
    void aCertificateAlreadyHeldIsADuplicateDroppedBeforeItsSignaturesAreChecked()
    {
        final AtomicInteger calls = new AtomicInteger();
        final HeldCertificates held = new HeldCertificates(64);
        final InboundVerifier verifier = acceptingAndCounting(calls, held);
        final Certificate fast = (Certificate)samples.consensus().get("fast");
        final byte[] frame = encode(fast);

        assertTrue(verifier.verify(new UnsafeBuffer(frame), 0, frame.length).isOk(), "not held yet: verified");
        final int checksOfOne = calls.get();
        assertTrue(checksOfOne > 1, "every signature of the certificate is checked");

        held.add(fast.kind(), fast.view(), fast.blockHash());
        assertEquals(DropReason.DUPLICATE, verifier.verify(new UnsafeBuffer(frame), 0, frame.length).drop());
        assertEquals(checksOfOne, calls.get(), "no signature checked for a held certificate");
        assertEquals(1, verifier.counters().get(DropReason.DUPLICATE));

        held.add(CertificateKind.NOTARIZATION, fast.view(), fast.blockHash());
        held.add(fast.kind(), fast.view() + 64, fast.blockHash()); // the same slot, a later view
        assertTrue(verifier.verify(new UnsafeBuffer(frame), 0, frame.length).isOk(), "overwritten: verified again");
        assertEquals(2 * checksOfOne, calls.get());
    }

    @Test
    void messagesOfAFinalizedViewAreLateAndNotChecked()
    {
        final AtomicInteger calls = new AtomicInteger();
        final HeldCertificates held = new HeldCertificates(64);
        final InboundVerifier verifier = acceptingAndCounting(calls, held);
        final String[] names = {"proposal", "notarize", "finalize", "fast", "nullification"}; // all of view 5
        held.finalizedThrough(4);
        for (final String name : names)
        {
            final byte[] frame = encode(samples.consensus().get(name));
            assertTrue(verifier.verify(new UnsafeBuffer(frame), 0, frame.length).isOk(), name + ": view 5 is not final yet");
        }
        final int checked = calls.get();
        assertTrue(checked >= names.length);

        held.finalizedThrough(5);
        held.finalizedThrough(3); // never moves back
        for (final String name : names)
        {
            final byte[] frame = encode(samples.consensus().get(name));
            assertEquals(DropReason.LATE, verifier.verify(new UnsafeBuffer(frame), 0, frame.length).drop(), name);
        }
        final byte[] vote = encode(samples.consensus().get("notarize"));
        assertEquals(DropReason.LATE, verifier.verifyVote(new UnsafeBuffer(vote), 0, vote.length,
            new dev.seqnet.consensus.message.MutableVote()));
        assertEquals(checked, calls.get(), "no signature checked for a view already finalized");
        assertEquals(names.length + 1, verifier.counters().get(DropReason.LATE));
        assertEquals(names.length + 1, verifier.counters().total());

        final byte[] request = encode(samples.consensus().get("certificateRequest"));
        assertTrue(verifier.verify(new UnsafeBuffer(request), 0, request.length).isOk(), "requests are answered whatever the view");
    }

    /** A verifier whose signature check accepts everything and counts its calls in {@code calls}. */
    private InboundVerifier acceptingAndCounting(final AtomicInteger calls, final HeldCertificates held)
    {
        final SignatureCheck counting = (sig, digest, key) ->
        {
            calls.incrementAndGet();
            return true;
        };
        return new InboundVerifier(f.members, f.domain, counting, new DropCounters()).heldCertificates(held);
    }

    @Test
    void countersNameEveryReasonOfTheSpec()
    {
        final DropCounters counters = new DropCounters();
        for (final DropReason r : DropReason.values())
        {
            for (int i = 0; i <= r.ordinal(); i++)
            {
                counters.increment(r);
            }
        }
        assertEquals("DropCounters[drop.malformed=1, drop.oversize=2, drop.nonMember=3, drop.badSignature=4, " +
            "drop.wrongLeader=5, drop.farFuture=6, drop.late=7, drop.stale=8, drop.duplicate=9, drop.rateLimited=10, " +
            "drop.invalidProposal=11]", counters.toString());
        assertEquals(66, counters.total());
    }

    private byte[] encode(final ConsensusMessage m)
    {
        return codec.encode(m);
    }

    private static byte[] patch(final byte[] frame, final int index, final int value)
    {
        final byte[] copy = frame.clone();
        copy[index] = (byte)value;
        return copy;
    }

    private void expect(final DropReason reason, final byte[] frame)
    {
        final long before = verifier.counters().get(reason);
        final long total = verifier.counters().total();
        final byte[] padded = new byte[frame.length + 7];
        System.arraycopy(frame, 0, padded, 3, frame.length);
        final Decoded<ConsensusMessage> d = verifier.verify(new UnsafeBuffer(padded), 3, frame.length);
        assertEquals(reason, d.drop(), () -> "expected " + reason + " got " + d);
        assertNull(d.value());
        assertEquals(before + 1, verifier.counters().get(reason));
        assertEquals(total + 1, verifier.counters().total());
    }

    private void expectSupport(final DropReason reason, final SupportMessage m)
    {
        final byte[] frame = supportCodec.encode(m);
        final long before = verifier.counters().get(reason);
        final long total = verifier.counters().total();
        final Decoded<SupportMessage> d = verifier.verifySupport(new UnsafeBuffer(frame), 0, frame.length);
        assertEquals(reason, d.drop());
        assertEquals(before + 1, verifier.counters().get(reason));
        assertEquals(total + 1, verifier.counters().total());
    }

    @Test
    void aHashInAVoteIsPartOfWhatIsSigned()
    {
        final Vote n = (Vote)samples.consensus().get("notarize");
        expect(DropReason.BAD_SIGNATURE, encode(new Vote(n.kind(), n.signer(), n.view(), Hash32.ZERO, n.signature())));
        expect(DropReason.BAD_SIGNATURE, encode(new Vote(n.kind(), n.signer(), n.view() + 1, n.blockHash(), n.signature())));
    }
}
