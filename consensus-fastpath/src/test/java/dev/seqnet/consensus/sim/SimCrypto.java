package dev.seqnet.consensus.sim;

import dev.seqnet.chain.crypto.SequencerKey;
import dev.seqnet.chain.crypto.Signatures;
import dev.seqnet.consensus.CertificateCheck;
import dev.seqnet.consensus.CertificateCodec;
import dev.seqnet.consensus.Certificate;
import dev.seqnet.consensus.FinalityVerifier;
import dev.seqnet.consensus.Member;
import dev.seqnet.consensus.MemberSet;
import dev.seqnet.consensus.Quorums;
import dev.seqnet.consensus.SigningDomain;
import dev.seqnet.chain.crypto.Sha256;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulation's genesis (deterministic member keys, one chain id and genesis hash) and its
 * memoized ECDSA: signing is RFC 6979, so (key, digest) always gives the same signature, and a
 * verification result depends only on (key, digest, signature). Caching both keeps CI fast without
 * changing any outcome. Shared across runs of one JVM (single-threaded simulator).
 */
final class SimCrypto
{
    static final long CHAIN_ID = 5115;
    static final byte[] GENESIS_HASH = Sha256.hash("seqnet simulator genesis".getBytes(StandardCharsets.US_ASCII));
    static final SigningDomain DOMAIN = new SigningDomain(CHAIN_ID, GENESIS_HASH);

    private static final int CACHE_LIMIT = 1 << 20;
    private static final Map<ByteBuffer, byte[]> SIGNED = new HashMap<>();
    private static final Map<ByteBuffer, Boolean> VERIFIED = new HashMap<>();
    private static final Map<ByteBuffer, CertificateCheck> CERTIFIED = new HashMap<>();
    private static final Map<Integer, SequencerKey> KEYS = new HashMap<>();

    static long signs;
    static long verifies;

    private SimCrypto()
    {
    }

    /** Member i's key: private scalar 0x22‖0…‖i+1 (a different offset from the unit tests' keys). */
    static SequencerKey key(final int i)
    {
        return KEYS.computeIfAbsent(i, k ->
        {
            final byte[] d = new byte[32];
            d[0] = 0x22;
            d[30] = (byte)(k >>> 8);
            d[31] = (byte)(k + 1);
            return SequencerKey.fromPrivateKey(d);
        });
    }

    static MemberSet members(final int n, final long slack)
    {
        final List<Member> list = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            list.add(new Member(key(i).publicKey(), 1));
        }
        return new MemberSet(list, slack);
    }

    static FinalityVerifier verifier(final MemberSet members)
    {
        return new FinalityVerifier(members, DOMAIN);
    }

    /** RFC 6979 signature of {@code digest} by member {@code i}, memoized. */
    static byte[] sign(final int i, final byte[] digest)
    {
        final ByteBuffer k = ByteBuffer.allocate(36).putInt(i).put(digest).flip();
        byte[] sig = SIGNED.get(k);
        if (sig == null)
        {
            signs++;
            sig = key(i).sign(digest);
            if (SIGNED.size() >= CACHE_LIMIT)
            {
                SIGNED.clear();
            }
            SIGNED.put(k, sig);
        }
        return sig.clone();
    }

    /** True when {@code sig} is {@code publicKey}'s signature of {@code digest}, memoized. */
    static boolean verify(final byte[] sig, final byte[] digest, final byte[] publicKey)
    {
        if (sig == null || sig.length != 64 || digest == null || digest.length != 32)
        {
            return false;
        }
        final ByteBuffer k = ByteBuffer.allocate(33 + 32 + 64).put(publicKey).put(digest).put(sig).flip();
        Boolean ok = VERIFIED.get(k);
        if (ok == null)
        {
            verifies++;
            ok = Signatures.verify(sig, digest, publicKey);
            if (VERIFIED.size() >= CACHE_LIMIT)
            {
                VERIFIED.clear();
            }
            VERIFIED.put(k, ok);
        }
        return ok;
    }

    /** The verifier's answer for this certificate's SBE frame, memoized by frame bytes. */
    static CertificateCheck verify(final FinalityVerifier verifier, final Certificate certificate)
    {
        final byte[] frame = CertificateCodec.encode(certificate);
        // The same frame may be valid under one member set and not another (n = 4 vs 7).
        final ByteBuffer k = ByteBuffer.allocate(16 + frame.length)
            .putInt(verifier.members().size()).putLong(verifier.members().quorums().p()).putInt(0).put(frame).flip();
        CertificateCheck check = CERTIFIED.get(k);
        if (check == null)
        {
            check = verifier.verify(frame);
            if (CERTIFIED.size() >= CACHE_LIMIT)
            {
                CERTIFIED.clear();
            }
            CERTIFIED.put(k, check);
        }
        return check;
    }

    static long slackOf(final int n)
    {
        return n == 7 ? 1 : Quorums.AUTO_SLACK;
    }
}
