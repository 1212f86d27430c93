package dev.seqnet.consensus;

import dev.seqnet.chain.crypto.SequencerKey;
import dev.seqnet.chain.crypto.Sha256;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerifiedSignaturesTest
{
    private final SequencerKey alice = TestMembers.key(0);
    private final SequencerKey bob = TestMembers.key(1);
    private final AtomicInteger realChecks = new AtomicInteger();
    private final SignatureCheck counting = (sig, digest, key) ->
    {
        realChecks.incrementAndGet();
        return SignatureCheck.SECP256K1.verify(sig, digest, key);
    };

    private static byte[] digest(final String label)
    {
        return Sha256.hash(label.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aSignatureCheckedOnceIsNotCheckedAgain()
    {
        final VerifiedSignatures verified = new VerifiedSignatures(counting, 64);
        final byte[] d = digest("notarize view 5");
        final byte[] sig = alice.sign(d);

        assertTrue(verified.verify(sig, d, alice.publicKey()));
        assertEquals(1, realChecks.get());
        assertTrue(verified.verify(sig.clone(), d.clone(), alice.publicKey().clone()), "equal bytes, other arrays");
        assertEquals(1, realChecks.get(), "answered from the table");
        assertEquals(1, verified.checked());
        assertEquals(1, verified.skipped());
    }

    @Test
    void onlyTheExactSameKeyDigestAndSignatureHit()
    {
        final VerifiedSignatures verified = new VerifiedSignatures(counting, 64);
        final byte[] d = digest("finalize view 9");
        final byte[] sig = alice.sign(d);
        assertTrue(verified.verify(sig, d, alice.publicKey()));

        assertFalse(verified.verify(sig, d, bob.publicKey()), "another key: checked, and refused");
        assertFalse(verified.verify(sig, digest("finalize view 10"), alice.publicKey()), "another digest: checked, and refused");
        final byte[] flipped = sig.clone();
        flipped[63] ^= 1;
        assertFalse(verified.verify(flipped, d, alice.publicKey()), "another signature: checked, and refused");
        assertEquals(4, realChecks.get());
        assertEquals(0, verified.skipped());
    }

    @Test
    void uncompressedKeysHitOnlyOnAllTheirBytes()
    {
        final VerifiedSignatures verified = new VerifiedSignatures(counting, 64);
        final byte[] d = digest("notarize view 6");
        final byte[] sig = alice.sign(d);
        final byte[] uncompressed = dev.seqnet.chain.crypto.Signatures.verificationKey(alice.publicKey());
        assertTrue(verified.verify(sig, d, uncompressed));
        assertTrue(verified.verify(sig, d, uncompressed.clone()));
        assertEquals(1, realChecks.get(), "the second check answered from the table");

        // Same x, so the same first 33 bytes, but another point: a hit here would accept a signature the key never made.
        final byte[] otherY = uncompressed.clone();
        otherY[64] ^= 1;
        assertFalse(verified.verify(sig, d, otherY));
        assertTrue(verified.verify(sig, d, alice.publicKey()), "the compressed form is its own entry: checked again");
        assertEquals(3, realChecks.get());
    }

    @Test
    void anInvalidSignatureIsNeverRemembered()
    {
        final VerifiedSignatures verified = new VerifiedSignatures(counting, 64);
        final byte[] d = digest("nullify view 3");
        final byte[] forged = bob.sign(d); // bob's signature offered as alice's
        assertFalse(verified.verify(forged, d, alice.publicKey()));
        assertFalse(verified.verify(forged, d, alice.publicKey()));
        assertEquals(2, realChecks.get(), "checked every time");
        assertFalse(verified.holds(forged, d, alice.publicKey()));
    }

    @Test
    void ownSignaturesAreRecordedWithoutACheck()
    {
        final VerifiedSignatures verified = new VerifiedSignatures(counting, 64);
        final byte[] d = digest("own finalize view 12");
        final byte[] sig = alice.sign(d);
        verified.record(sig, d, alice.publicKey());
        assertEquals(0, realChecks.get());
        assertTrue(verified.verify(sig, d, alice.publicKey()), "a certificate carrying our own vote");
        assertEquals(0, realChecks.get());
    }

    @Test
    void malformedInputGoesToTheRealCheckAndIsNotRemembered()
    {
        final VerifiedSignatures verified = new VerifiedSignatures(counting, 64);
        final byte[] d = digest("x");
        assertFalse(verified.verify(new byte[63], d, alice.publicKey()));
        assertFalse(verified.verify(new byte[64], new byte[31], alice.publicKey()));
        assertFalse(verified.verify(null, d, alice.publicKey()));
        verified.record(new byte[10], d, alice.publicKey()); // ignored, no exception
        assertEquals(3, realChecks.get());
    }

    @Test
    void anEvictedSignatureIsCheckedAgain()
    {
        final VerifiedSignatures verified = new VerifiedSignatures(counting, 1); // every signature shares the one entry
        final byte[] d1 = digest("a");
        final byte[] d2 = digest("b");
        final byte[] s1 = alice.sign(d1);
        final byte[] s2 = alice.sign(d2);
        assertTrue(verified.verify(s1, d1, alice.publicKey()));
        assertTrue(verified.verify(s2, d2, alice.publicKey()));
        assertTrue(verified.verify(s1, d1, alice.publicKey()));
        assertEquals(3, realChecks.get(), "s2 evicted s1");
    }

    /**
     * Writers keep replacing one entry (capacity 1) with two different valid signatures while a reader
     * asks about a combination that was never valid: signature 1 over digest 2. A torn read that mixed
     * one entry's signature with the other's digest would say yes.
     */
    @Test
    void aTornEntryIsNeverAHit() throws Exception
    {
        final VerifiedSignatures verified = new VerifiedSignatures((sig, digest, key) -> true, 1);
        final byte[] d1 = digest("one");
        final byte[] d2 = digest("two");
        final byte[] s1 = alice.sign(d1);
        final byte[] s2 = alice.sign(d2);
        final byte[] key = alice.publicKey();
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicReference<String> failure = new AtomicReference<>();
        final Runnable writer = () ->
        {
            while (!stop.get())
            {
                verified.record(s1, d1, key);
                verified.record(s2, d2, key);
            }
        };
        final Thread w1 = new Thread(writer);
        final Thread w2 = new Thread(writer);
        final Thread reader = new Thread(() ->
        {
            for (int i = 0; i < 2_000_000; i++)
            {
                if (verified.holds(s1, d2, key) || verified.holds(s2, d1, key))
                {
                    failure.set("torn read at " + i);
                    return;
                }
            }
        });
        w1.start();
        w2.start();
        reader.start();
        reader.join();
        stop.set(true);
        w1.join();
        w2.join();
        assertNull(failure.get());
        assertTrue(verified.holds(s1, d1, key) || verified.holds(s2, d2, key), "the last write is readable");
    }
}
