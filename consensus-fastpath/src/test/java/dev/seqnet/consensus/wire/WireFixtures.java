package dev.seqnet.consensus.wire;

import dev.seqnet.chain.Hash32;
import dev.seqnet.chain.block.L2Header;
import dev.seqnet.chain.crypto.Keccak256;
import dev.seqnet.chain.crypto.SequencerKey;
import dev.seqnet.chain.crypto.Sha256;
import dev.seqnet.consensus.Certificate;
import dev.seqnet.consensus.CertificateKind;
import dev.seqnet.consensus.Member;
import dev.seqnet.consensus.MemberSet;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.Quorums;
import dev.seqnet.consensus.SigningDomain;
import dev.seqnet.consensus.message.BlockCandidate;
import dev.seqnet.consensus.message.Proposal;
import dev.seqnet.consensus.message.Vote;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Real secp256k1 members (private scalar 0x11…i+1, as the consensus package's TestMembers) and
 * genuinely signed messages over a real L2 header hash.
 */
final class WireFixtures
{
    static final long CHAIN_ID = 5115;
    static final byte[] GENESIS_HASH = Sha256.hash("wire-test genesis".getBytes(StandardCharsets.US_ASCII));

    final SequencerKey[] keys;
    final MemberSet members;
    final SigningDomain domain = new SigningDomain(CHAIN_ID, GENESIS_HASH);

    WireFixtures(final int n)
    {
        keys = new SequencerKey[n];
        final List<Member> list = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            final byte[] d = new byte[32];
            d[0] = 0x11;
            d[30] = (byte)(i >>> 8);
            d[31] = (byte)(i + 1);
            keys[i] = SequencerKey.fromPrivateKey(d);
            list.add(new Member(keys[i].publicKey(), 1));
        }
        members = new MemberSet(list, Quorums.AUTO_SLACK);
    }

    static Hash32 hash(final String label)
    {
        return Hash32.wrap(Sha256.hash(label.getBytes(StandardCharsets.US_ASCII)));
    }

    static Hash32 txHash(final int i)
    {
        return Hash32.wrap(Keccak256.hash(("tx-" + i).getBytes(StandardCharsets.US_ASCII)));
    }

    /** A proposal by the scheduled leader of {@code view}, over a real header with {@code txCount} hashes. */
    Proposal proposal(final long view, final long parentView, final int txCount)
    {
        return proposal(view, parentView, txCount, members.schedule().leader(view));
    }

    /** A proposal signed by {@code leader}'s key (which need not be the scheduled one). */
    Proposal proposal(final long view, final long parentView, final int txCount, final int leader)
    {
        final Hash32 parentHash = hash("parent-" + parentView);
        final Hash32 stateRoot = hash("state-" + view);
        final Hash32 txRoot = hash("txroot-" + view);
        final BigInteger fee = BigInteger.ONE.shiftLeft(100).add(BigInteger.valueOf(12345));
        final L2Header header = new L2Header(view + 7, parentHash.bytes(), stateRoot.bytes(), fee, txRoot.bytes(),
            1_700_000_000L + view);
        final Hash32 blockHash = Hash32.wrap(header.hash());
        final List<Hash32> hashes = new ArrayList<>();
        for (int i = 0; i < txCount; i++)
        {
            hashes.add(txHash(i));
        }
        final BlockCandidate block = new BlockCandidate(blockHash, parentHash, header.height(), header.timestamp(),
            header.l1FeeRateHi(), header.l1FeeRateLo(), 21_000L * txCount, 10_000_000L, stateRoot, txRoot,
            keys[leader].sign(blockHash.bytes()), hashes);
        final byte[] signature = keys[leader].sign(domain.proposalDigest(view, blockHash.bytes()));
        return new Proposal(view, parentView, leader, block, signature);
    }

    Vote vote(final MessageKind kind, final int signer, final long view, final Hash32 blockHash)
    {
        return new Vote(kind, signer, view, blockHash, domain.signVote(keys[signer], kind, view, blockHash.bytes()));
    }

    /** A certificate signed by {@code signers} (ascending), with {@code fallbackSigners} signing NOTARIZE_FALLBACK. */
    Certificate certificate(final CertificateKind kind, final long view, final Hash32 blockHash, final int[] signers,
        final int... fallbackSigners)
    {
        final byte[] fallback = Certificate.bitmap(fallbackSigners);
        final byte[][] signatures = new byte[signers.length][];
        for (int i = 0; i < signers.length; i++)
        {
            final MessageKind voteKind = Certificate.isSet(fallback, signers[i]) ? MessageKind.NOTARIZE_FALLBACK : kind.voteKind();
            signatures[i] = domain.signVote(keys[signers[i]], voteKind, view, blockHash.bytes());
        }
        return new Certificate(kind, view, blockHash.bytes(), Certificate.bitmap(signers), fallback, signatures);
    }

    static int[] range(final int n)
    {
        final int[] r = new int[n];
        for (int i = 0; i < n; i++)
        {
            r[i] = i;
        }
        return r;
    }
}
