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
        final InstantNetwork network = new InstantNetwork(n, mode, true);
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
