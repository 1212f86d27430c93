package dev.seqnet.jmh.consensus;

import dev.seqnet.chain.Hash32;
import dev.seqnet.chain.block.L2Header;
import dev.seqnet.chain.crypto.SequencerKey;
import dev.seqnet.chain.crypto.Sha256;
import dev.seqnet.consensus.Certificate;
import dev.seqnet.consensus.CertificateKind;
import dev.seqnet.consensus.Member;
import dev.seqnet.consensus.MemberSet;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.Quorums;
import dev.seqnet.consensus.SignatureCheck;
import dev.seqnet.consensus.SigningDomain;
import dev.seqnet.consensus.message.BlockCandidate;
import dev.seqnet.consensus.message.ConsensusMessage;
import dev.seqnet.consensus.message.MutableProposal;
import dev.seqnet.consensus.message.MutableVote;
import dev.seqnet.consensus.message.Proposal;
import dev.seqnet.consensus.message.Vote;
import dev.seqnet.consensus.wire.ConsensusCodec;
import dev.seqnet.consensus.wire.Decoded;
import dev.seqnet.consensus.wire.DropCounters;
import dev.seqnet.consensus.wire.DropReason;
import dev.seqnet.consensus.wire.InboundVerifier;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The consensus wire path of one message, with the production codecs and checks: SBE encode of an
 * own Vote, Proposal and Certificate into a reused buffer, decode of a peer's frame, and
 * {@link InboundVerifier#verify} (decode, membership, leader, libsecp256k1 signature) as the node's
 * recovery threads run it. The {@code ...Into} variants are the allocation-free vote and proposal
 * paths ({@link MutableVote}, {@link MutableProposal}, {@link InboundVerifier#verifyVote},
 * {@link InboundVerifier#verifyProposal}, a digest into a reused array). The
 * signature check, digest and signing are measured alone as well, so libsecp256k1's share (and any
 * allocation inside secp256k1-kmp) shows on its own. Proposals carry 0 or 100 transaction hashes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ConsensusCodecBenchmark
{
    private static final int MEMBERS = 4;

    private final ConsensusCodec codec = new ConsensusCodec();
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[64 * 1024]);
    private SigningDomain domain;
    private SequencerKey[] keys;
    private InboundVerifier verifier;
    private Vote vote;
    private Certificate certificate;
    private UnsafeBuffer voteFrame;
    private UnsafeBuffer certificateFrame;
    private byte[] voteDigest;
    private byte[] voteSignature;
    private byte[] signerKey;
    private byte[] signerVerificationKey;
    private final MutableVote holder = new MutableVote();
    private final MutableProposal proposalHolder = new MutableProposal();
    private final byte[] digestOut = new byte[32];
    private MemberSet memberSet;

    @Setup
    public void setup()
    {
        keys = new SequencerKey[MEMBERS];
        final List<Member> members = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++)
        {
            final byte[] d = new byte[32];
            d[0] = 0x44;
            d[31] = (byte)(i + 1);
            keys[i] = SequencerKey.fromPrivateKey(d);
            members.add(new Member(keys[i].publicKey(), 1));
        }
        memberSet = new MemberSet(members, Quorums.AUTO_SLACK);
        domain = new SigningDomain(5115, new byte[32]);
        verifier = new InboundVerifier(memberSet, domain, SignatureCheck.SECP256K1, new DropCounters());

        final long view = 1_000;
        final Hash32 block = hash("block");
        final Hash32 parent = hash("parent");
        final int voter = 2;
        voteDigest = domain.voteDigest(MessageKind.NOTARIZE, view, block.unsafeBytes());
        voteSignature = keys[voter].sign(voteDigest);
        signerKey = keys[voter].publicKey();
        signerVerificationKey = memberSet.member(voter).verificationKey();
        vote = new Vote(MessageKind.NOTARIZE, voter, view, block, voteSignature);

        final byte[][] sigs = new byte[MEMBERS][];
        for (int i = 0; i < MEMBERS; i++)
        {
            sigs[i] = keys[i].sign(voteDigest);
        }
        certificate = new Certificate(CertificateKind.FINALIZATION_FAST, view, block.bytes(),
            Certificate.bitmap(0, 1, 2, 3), new byte[Certificate.BITMAP_LENGTH], sigs);

        voteFrame = frame(vote);
        certificateFrame = frame(certificate);
    }

    /** A signed proposal carrying {@code proposalTxs} transaction hashes, and its frame. */
    @State(Scope.Thread)
    public static class Proposals
    {
        /** Transaction hashes the proposal carries (32 bytes each). */
        @Param({"0", "100"})
        public int proposalTxs;

        Proposal proposal;
        UnsafeBuffer frame;

        @Setup
        public void setup(final ConsensusCodecBenchmark b)
        {
            final long view = 1_000;
            final Hash32 parent = hash("parent");
            // A real header hash: the inbound check recomputes it from these fields.
            final Hash32 block = Hash32.wrap(new L2Header(500, parent.bytes(), hash("state").bytes(), java.math.BigInteger.ONE,
                hash("root").bytes(), 1_700_000_000L).hash());
            final List<Hash32> txs = new ArrayList<>();
            for (int i = 0; i < proposalTxs; i++)
            {
                txs.add(hash("tx-" + i));
            }
            final int leader = b.memberSet.schedule().leader(view);
            final BlockCandidate candidate = new BlockCandidate(block, parent, 500, 1_700_000_000L, 0, 1,
                21_000L * proposalTxs, 25_000, hash("state"), hash("root"), b.keys[leader].sign(block.unsafeBytes()), txs);
            proposal = new Proposal(view, view - 1, leader, candidate,
                b.keys[leader].sign(b.domain.proposalDigest(view, block.unsafeBytes())));
            frame = b.frame(proposal);
        }
    }

    private UnsafeBuffer frame(final ConsensusMessage m)
    {
        return new UnsafeBuffer(codec.encode(m));
    }

    private static Hash32 hash(final String s)
    {
        return Hash32.wrap(Sha256.hash(s.getBytes(StandardCharsets.UTF_8)));
    }

    // Own messages out: encode into a reused buffer.

    @Benchmark
    public int encodeVote()
    {
        return codec.encodeVote(vote, out, 0);
    }

    @Benchmark
    public int encodeProposal(final Proposals p)
    {
        return codec.encodeProposal(p.proposal, out, 0);
    }

    @Benchmark
    public int encodeCertificate()
    {
        return codec.encodeCertificate(certificate, out, 0);
    }

    // Peer frames in: decode only.

    @Benchmark
    public Object decodeVote()
    {
        return codec.decodeVote(voteFrame, 0, voteFrame.capacity());
    }

    @Benchmark
    public Object decodeProposal(final Proposals p)
    {
        return codec.decodeProposal(p.frame, 0, p.frame.capacity());
    }

    /** Allocation-free: decode into a reused {@link MutableVote}. */
    @Benchmark
    public DropReason decodeVoteInto()
    {
        return codec.decodeVote(voteFrame, 0, voteFrame.capacity(), holder);
    }

    /** Allocation-free: decode into a reused {@link MutableProposal} (transaction hashes included). */
    @Benchmark
    public DropReason decodeProposalInto(final Proposals p)
    {
        return codec.decodeProposal(p.frame, 0, p.frame.capacity(), proposalHolder);
    }

    @Benchmark
    public Object decodeCertificate()
    {
        return codec.decodeCertificate(certificateFrame, 0, certificateFrame.capacity());
    }

    // Peer frames in: the inbound check the recovery threads run (decode + membership + signature).

    @Benchmark
    public Decoded<ConsensusMessage> inboundVote()
    {
        return verifier.verify(voteFrame, 0, voteFrame.capacity());
    }

    @Benchmark
    public Decoded<ConsensusMessage> inboundProposal(final Proposals p)
    {
        return verifier.verify(p.frame, 0, p.frame.capacity());
    }

    /** A peer's FINALIZATION_FAST certificate (4 signatures): FinalityVerifier, then decode. */
    @Benchmark
    public Decoded<ConsensusMessage> inboundCertificate()
    {
        return verifier.verify(certificateFrame, 0, certificateFrame.capacity());
    }

    /** Allocation-free: {@link InboundVerifier#verifyVote} (decode into a MutableVote, membership, signature). */
    @Benchmark
    public DropReason inboundVoteInto()
    {
        return verifier.verifyVote(voteFrame, 0, voteFrame.capacity(), holder);
    }

    /** Allocation-free: {@link InboundVerifier#verifyProposal} (decode into a MutableProposal, leader, signature). */
    @Benchmark
    public DropReason inboundProposalInto(final Proposals p)
    {
        return verifier.verifyProposal(p.frame, 0, p.frame.capacity(), proposalHolder);
    }

    // The pieces, alone.

    /** SHA-256 of a vote's 141-byte SignInput. */
    @Benchmark
    public byte[] voteDigest()
    {
        return domain.voteDigest(MessageKind.NOTARIZE, vote.view(), vote.blockHash().unsafeBytes());
    }

    /** The same digest into a reused array. */
    @Benchmark
    public byte[] voteDigestInto()
    {
        domain.voteDigest(MessageKind.NOTARIZE, vote.view(), vote.blockHash().unsafeBytes(), digestOut);
        return digestOut;
    }

    /** libsecp256k1 ECDSA verify through secp256k1-kmp JNI (SignatureCheck.SECP256K1), 33-byte compressed key. */
    @Benchmark
    public boolean signatureVerify()
    {
        return SignatureCheck.SECP256K1.verify(voteSignature, voteDigest, signerKey);
    }

    /** The same check with the 65-byte uncompressed key that members' checks use (no square root per check). */
    @Benchmark
    public boolean signatureVerifyUncompressedKey()
    {
        return SignatureCheck.SECP256K1.verify(voteSignature, voteDigest, signerVerificationKey);
    }

    /** libsecp256k1 ECDSA sign (RFC 6979) through secp256k1-kmp JNI: the production VoteSigner. */
    @Benchmark
    public byte[] sign()
    {
        return keys[0].sign(voteDigest);
    }
}
