package dev.seqnet.consensus.wire;

import dev.seqnet.consensus.CertificateKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeldCertificatesTest
{
    private static byte[] hash(final long seed)
    {
        final byte[] h = new byte[32];
        long x = seed * 0x9E3779B97F4A7C15L + 1;
        for (int i = 0; i < h.length; i++)
        {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            h[i] = (byte)x;
        }
        return h;
    }

    @Test
    void holdsExactlyWhatWasAddedByKindViewAndBlock()
    {
        final HeldCertificates held = new HeldCertificates(16);
        assertFalse(held.holds(CertificateKind.NOTARIZATION, 3, hash(3)));
        held.add(CertificateKind.NOTARIZATION, 3, hash(3));
        assertTrue(held.holds(CertificateKind.NOTARIZATION, 3, hash(3)));
        assertFalse(held.holds(CertificateKind.FINALIZATION_SLOW, 3, hash(3)), "another kind");
        assertFalse(held.holds(CertificateKind.NOTARIZATION, 4, hash(3)), "another view");
        assertFalse(held.holds(CertificateKind.NOTARIZATION, 3, hash(4)), "another block");
        assertFalse(held.holds(CertificateKind.NOTARIZATION, 19, hash(3)), "the same slot, another view");

        held.add(CertificateKind.NULLIFICATION, 3, new byte[32]);
        assertTrue(held.holds(CertificateKind.NULLIFICATION, 3, new byte[32]));
        assertTrue(held.holds(CertificateKind.NOTARIZATION, 3, hash(3)), "kinds have their own entries");

        held.add(CertificateKind.NOTARIZATION, 19, hash(19));
        assertFalse(held.holds(CertificateKind.NOTARIZATION, 3, hash(3)), "view 3 forgotten once view 19 takes its slot");
        assertTrue(held.holds(CertificateKind.NOTARIZATION, 19, hash(19)));
        assertThrows(IllegalArgumentException.class, () -> new HeldCertificates(0));
    }

    @Test
    @Timeout(30)
    void aReaderNeverMixesOneViewWithAnotherViewsBlock() throws Exception
    {
        // One writer cycles views through a small table while a reader asks about each view with the block of the
        // view before it in the same slot: a torn read (new view, old hash) would answer true.
        final int capacity = 4;
        final long views = 300_000;
        final HeldCertificates held = new HeldCertificates(capacity);
        final AtomicLong written = new AtomicLong(-1);
        final AtomicBoolean done = new AtomicBoolean();
        final AtomicLong wrong = new AtomicLong();
        final AtomicLong rightSeen = new AtomicLong();
        final Thread reader = new Thread(() ->
        {
            final SplittableRandom random = new SplittableRandom(7);
            while (!done.get())
            {
                final long w = written.get();
                if (w < capacity)
                {
                    continue;
                }
                final long v = w - random.nextInt(capacity);
                if (held.holds(CertificateKind.NOTARIZATION, v, hash(v - capacity)))
                {
                    wrong.incrementAndGet();
                }
                if (held.holds(CertificateKind.NOTARIZATION, v, hash(v)))
                {
                    rightSeen.incrementAndGet();
                }
            }
        });
        reader.start();
        for (long v = 0; v < views; v++)
        {
            held.add(CertificateKind.NOTARIZATION, v, hash(v));
            written.set(v);
        }
        done.set(true);
        reader.join();
        assertEquals(0, wrong.get(), "a view read with another view's block");
        assertTrue(rightSeen.get() > 0, "the reader did see held certificates");
    }
}
