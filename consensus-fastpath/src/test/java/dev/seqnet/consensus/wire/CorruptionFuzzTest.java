package dev.seqnet.consensus.wire;

import dev.seqnet.consensus.Certificate;
import dev.seqnet.consensus.message.CertificateRequest;
import dev.seqnet.consensus.message.BlockCandidate;
import dev.seqnet.consensus.message.ConsensusMessage;
import dev.seqnet.consensus.message.Proposal;
import dev.seqnet.consensus.message.Vote;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded corruption of valid frames of every kind: bit flips, byte overwrites, boundary values in
 * length fields, truncations and trailing bytes. Each mutated frame sits in an array of exactly its
 * length, so any read past the frame would throw (Agrona bounds checks are on). Nothing may throw;
 * an accepted frame must re-encode to the same bytes; a verified signed message must carry exactly
 * the original's signed content and signature.
 */
class CorruptionFuzzTest
{
    private static final int ROUNDS = 20_000;

    private final Samples samples = new Samples();
    private final ConsensusCodec codec = new ConsensusCodec();
    private final SupportCodec support = new SupportCodec();
    private final JournalCodec journal = new JournalCodec();
    private final InboundVerifier verifier = new InboundVerifier(samples.f.members, samples.f.domain);

    @Test
    void verifiedConsensusMessagesNeverChangeTheirSignedContent()
    {
        final Map<String, ConsensusMessage> all = samples.consensus();
        int accepted = 0;
        long drops = 0;
        for (final String name : new String[] {"proposal", "notarize", "nullify", "fast", "notarization", "certificateRequest"})
        {
            final ConsensusMessage original = all.get(name);
            final byte[] valid = codec.encode(original);
            final Random random = new Random(name.hashCode() * 31L + 7);
            for (int i = 0; i < ROUNDS; i++)
            {
                final byte[] frame = mutate(valid, random);
                final Decoded<ConsensusMessage> d;
                try
                {
                    d = verifier.verify(new UnsafeBuffer(frame), 0, frame.length);
                }
                catch (final Throwable t)
                {
                    throw new AssertionError(name + " round " + i + " threw on " + Arrays.toString(frame), t);
                }
                if (d.isOk())
                {
                    accepted++;
                    assertArrayEquals(frame, codec.encode(d.value()), name + " round " + i + ": not canonical");
                    assertSignedContentUnchanged(original, d.value(), name + " round " + i);
                }
                else
                {
                    drops++;
                }
            }
        }
        assertEquals(drops, verifier.counters().total(), "every drop counted exactly once");
        // Mutations of unsigned proposal fields and no-op overwrites are accepted; most are not.
        assertTrue(accepted > 0 && drops > 5 * accepted, "accepted " + accepted + ", dropped " + drops);
    }

    @Test
    void supportMessagesNeverThrowAndDecodeCanonically()
    {
        for (final Map.Entry<String, SupportMessage> e : samples.support().entrySet())
        {
            fuzz(e.getKey(), support.encode(e.getValue()), frame ->
            {
                final Decoded<SupportMessage> d = support.decode(new UnsafeBuffer(frame), 0, frame.length);
                return d.isOk() ? support.encode(d.value()) : null;
            });
        }
    }

    @Test
    void journalRecordsNeverThrowAndDecodeCanonically()
    {
        for (final Map.Entry<String, Object> e : samples.journal().entrySet())
        {
            fuzz(e.getKey(), journal.encode(e.getValue()), frame ->
            {
                final Decoded<Object> d = journal.decode(new UnsafeBuffer(frame), 0, frame.length);
                return d.isOk() ? journal.encode(d.value()) : null;
            });
        }
    }

    /** Runs ROUNDS mutations of {@code valid} through {@code decodeAndReencode} (null = dropped). */
    private static void fuzz(final String name, final byte[] valid, final Function<byte[], byte[]> decodeAndReencode)
    {
        final Random random = new Random(name.hashCode());
        int dropped = 0;
        for (int i = 0; i < ROUNDS; i++)
        {
            final byte[] frame = mutate(valid, random);
            final byte[] again;
            try
            {
                again = decodeAndReencode.apply(frame);
            }
            catch (final Throwable t)
            {
                throw new AssertionError(name + " round " + i + " threw", t);
            }
            if (again == null)
            {
                dropped++;
            }
            else
            {
                assertArrayEquals(frame, again, name + " round " + i + ": accepted but not canonical");
            }
        }
        assertTrue(dropped > ROUNDS / 10, name + ": only " + dropped + " of " + ROUNDS + " mutations dropped");
    }

    private static void assertSignedContentUnchanged(final ConsensusMessage original, final ConsensusMessage got, final String at)
    {
        assertEquals(original.getClass(), got.getClass(), at);
        if (original instanceof Vote)
        {
            final Vote a = (Vote)original;
            final Vote b = (Vote)got;
            assertEquals(a.kind(), b.kind(), at);
            assertEquals(a.signer(), b.signer(), at);
            assertEquals(a.view(), b.view(), at);
            assertEquals(a.blockHash(), b.blockHash(), at);
            assertArrayEquals(a.signature(), b.signature(), at);
        }
        else if (original instanceof Proposal)
        {
            final Proposal a = (Proposal)original;
            final Proposal b = (Proposal)got;
            // Signed: view and block hash (the leader's Notarize, §3.2); bound to the block hash: every
            // header field. parentView is an unsigned pointer the core does not rely on.
            final BlockCandidate x = a.block();
            final BlockCandidate y = b.block();
            assertEquals(a.view(), b.view(), at);
            assertEquals(a.leader(), b.leader(), at);
            assertEquals(a.blockHash(), b.blockHash(), at);
            assertEquals(a.parentHash(), b.parentHash(), at);
            assertEquals(x.height(), y.height(), at);
            assertEquals(x.timestamp(), y.timestamp(), at);
            assertEquals(x.l1FeeRateHi(), y.l1FeeRateHi(), at);
            assertEquals(x.l1FeeRateLo(), y.l1FeeRateLo(), at);
            assertEquals(x.stateRoot(), y.stateRoot(), at);
            assertEquals(x.txMerkleRoot(), y.txMerkleRoot(), at);
            assertArrayEquals(a.signature(), b.signature(), at);
        }
        else if (original instanceof Certificate)
        {
            // The kind may change only to one whose signatures are over the same vote kind: a FAST
            // certificate (n Notarize) is also a valid NOTARIZATION. Every signed tuple is the original's.
            final Certificate a = (Certificate)original;
            final Certificate b = (Certificate)got;
            assertEquals(a.kind().voteKind(), b.kind().voteKind(), at);
            assertEquals(a.view(), b.view(), at);
            assertArrayEquals(a.blockHash(), b.blockHash(), at);
            assertArrayEquals(a.signers(), b.signers(), at);
            assertArrayEquals(a.fallback(), b.fallback(), at);
            assertEquals(a.signatureCount(), b.signatureCount(), at);
            for (int i = 0; i < a.signatureCount(); i++)
            {
                assertArrayEquals(a.signature(i), b.signature(i), at);
            }
        }
        else if (!(original instanceof CertificateRequest))
        {
            fail("unexpected " + original);
        }
    }

    /** One random corruption of {@code valid}. */
    static byte[] mutate(final byte[] valid, final Random random)
    {
        final int n = valid.length;
        switch (random.nextInt(7))
        {
            case 0:
            {
                final byte[] f = valid.clone();
                final int bit = random.nextInt(n * 8);
                f[bit >>> 3] ^= (byte)(1 << (bit & 7));
                return f;
            }
            case 1:
            {
                final byte[] f = valid.clone();
                f[random.nextInt(n)] = (byte)random.nextInt(256);
                return f;
            }
            case 2:
                return Arrays.copyOf(valid, random.nextInt(n));
            case 3:
            {
                final byte[] f = Arrays.copyOf(valid, n + 1 + random.nextInt(16));
                for (int i = n; i < f.length; i++)
                {
                    f[i] = (byte)random.nextInt(256);
                }
                return f;
            }
            case 4:
            {
                // A boundary value over a 2- or 4-byte field anywhere (counts, lengths, header fields).
                final byte[] f = valid.clone();
                final int width = random.nextBoolean() ? 2 : 4;
                final int at = random.nextInt(Math.max(1, n - width + 1));
                final long[] values = {0, 1, 0xFF, 0xFFFF, 0xFFFF_FFFFL, 0x8000_0000L, n, n - 1, n + 1, 512, 513, 64, 65};
                final long v = values[random.nextInt(values.length)];
                for (int i = 0; i < width && at + i < n; i++)
                {
                    f[at + i] = (byte)(v >>> (8 * i));
                }
                return f;
            }
            case 5:
            {
                // A header-only change: template, schema or version.
                final byte[] f = valid.clone();
                final int at = 2 + 2 * random.nextInt(3);
                if (at < n)
                {
                    f[at] = (byte)random.nextInt(40);
                }
                return f;
            }
            default:
            {
                final byte[] f = valid.clone();
                final int changes = 2 + random.nextInt(3);
                for (int c = 0; c < changes; c++)
                {
                    f[random.nextInt(n)] = (byte)random.nextInt(256);
                }
                return f;
            }
        }
    }
}
