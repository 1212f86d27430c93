package dev.seqnet.jmh.consensus;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark harness runs clean rounds in every mode, and the node's signature savings show up
 * in it: fewer libsecp256k1 checks per finalized block with {@code CRYPTO_NODE} than with only the
 * held-certificate check, and fewer with that than checking everything.
 */
class InstantNetworkTest
{
    private static final int BLOCKS = 30;

    private static double checksPerBlock(final InstantNetwork.Mode mode, final int n)
    {
        // With every certificate relayed (R10's `all`), so that skipping held copies has copies to skip.
        final InstantNetwork network = new InstantNetwork(n, mode, true, true);
        for (int i = 0; i < BLOCKS; i++)
        {
            network.finalizeNext();
        }
        assertEquals(BLOCKS, network.finalizedHeight(), mode + ": every member finalized each block");
        assertEquals(0, network.timersFired(), mode + ": no timeouts on an instant network");
        assertEquals(0, network.drops(), mode + ": no frame dropped but late ones");
        return (double)network.signatureChecks() / BLOCKS;
    }

    @Test
    void certificatesAreRelayedOnlyWhereNeeded()
    {
        for (final int n : new int[] {4, 7})
        {
            // R10's default: every member votes in the next view long before the relay check, so nobody is sent one.
            final InstantNetwork needed = run(n, false);
            assertEquals(0, needed.certificateFrames(), "n=" + n);
            assertEquals(0, needed.heldSkipped(), "n=" + n);
            // relay_certificates = all: each member broadcasts the notarization it entered the next view with and
            // the finalization it formed; the n - 1 others drop those copies unverified as held or late.
            final InstantNetwork all = run(n, true);
            assertEquals(2.0 * n * (n - 1), (double)all.certificateFrames() / BLOCKS, 0.2, "n=" + n);
            assertTrue(all.heldSkipped() + all.lateSkipped() > needed.heldSkipped() + needed.lateSkipped() + BLOCKS,
                "n=" + n + ": the copies are dropped unverified");
        }
    }

    private static InstantNetwork run(final int n, final boolean relayAll)
    {
        final InstantNetwork network = new InstantNetwork(n, InstantNetwork.Mode.CRYPTO_NODE, true, relayAll);
        for (int i = 0; i < BLOCKS; i++)
        {
            network.finalizeNext();
        }
        assertEquals(BLOCKS, network.finalizedHeight(), "n=" + n + ": every member finalized each block");
        assertEquals(0, network.timersFired(), "n=" + n + ": no timer had to fire");
        return network;
    }

    @Test
    void eachSavingCutsSignatureChecksPerBlock()
    {
        for (final int n : new int[] {4, 7})
        {
            final double all = checksPerBlock(InstantNetwork.Mode.CRYPTO, n);
            final double skipHeld = checksPerBlock(InstantNetwork.Mode.CRYPTO_SKIP_HELD, n);
            final double node = checksPerBlock(InstantNetwork.Mode.CRYPTO_NODE, n);
            assertTrue(skipHeld < all, "n=" + n + ": held certificates skipped: " + skipHeld + " < " + all);
            assertTrue(node < skipHeld, "n=" + n + ": checked signatures not checked again: " + node + " < " + skipHeld);
            // Nothing is skipped that was never checked: each of the n - 1 receivers checks the proposal.
            assertTrue(node >= n - 1, "n=" + n + ": " + node);
        }
    }
}
