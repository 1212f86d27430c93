package dev.seqnet.consensus.sim;

import dev.seqnet.chain.Hash32;
import dev.seqnet.consensus.core.Verdict;
import dev.seqnet.consensus.message.BlockCandidate;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ModelAppTest
{
    private final ModelApp app = new ModelApp(SimCrypto.members(4, SimCrypto.slackOf(4)));

    private TreeSet<ModelTx> pool(final ModelTx... txs)
    {
        final TreeSet<ModelTx> pool = new TreeSet<>();
        for (final ModelTx tx : txs)
        {
            app.register(tx);
            pool.add(tx);
        }
        return pool;
    }

    @Test
    void builderTakesContiguousNoncesAndVerifies()
    {
        final TreeSet<ModelTx> pool = pool(ModelTx.of(0, 0, 0), ModelTx.of(0, 1, 0), ModelTx.of(0, 3, 0), ModelTx.of(2, 0, 0));
        final BlockCandidate b1 = app.build(Hash32.ZERO, 1, pool, 0, 5, 16);
        assertEquals(3, b1.txHashes().size(), "nonce 3 of account 0 has a gap and is left out");
        assertEquals(Verdict.VALID, app.verify(b1, 0));
        assertArrayEquals(new long[] {2, 0, 1, 0, 0, 0, 0, 0}, app.nonces(b1.blockHash()));
        // On top of b1 the same pool yields nothing new: included nonces are below the state.
        final BlockCandidate b2 = app.build(b1.blockHash(), 2, pool, 1, 6, 16);
        assertEquals(0, b2.txHashes().size());
        assertEquals(Verdict.VALID, app.verify(b2, 1));
        assertEquals(Verdict.INVALID, app.verify(b2, 2), "header signed by member 1, checked against leader 2");
    }

    @Test
    void everyFlawIsCaught()
    {
        final TreeSet<ModelTx> pool = pool(ModelTx.of(1, 0, 0), ModelTx.of(1, 1, 0));
        final BlockCandidate b1 = app.build(Hash32.ZERO, 1, pool, 0, 5, 1);
        assertEquals(Verdict.VALID, app.verify(b1, 0));
        for (final ModelApp.Flaw flaw : ModelApp.Flaw.values())
        {
            final BlockCandidate bad = app.buildFlawed(b1.blockHash(), 2, pool, 1, 9, flaw, 1);
            final Verdict want = flaw == ModelApp.Flaw.UNKNOWN_TX ? Verdict.UNAVAILABLE : Verdict.INVALID;
            assertEquals(want, app.verify(bad, 1), flaw.name());
            if (flaw != ModelApp.Flaw.BAD_HEADER_SIGNATURE)
            {
                // (The header signature is not hashed, so that flaw shares the valid block's hash.)
                assertNull(app.state(bad.blockHash()), flaw.name());
            }
            // A child of an invalid block is invalid too, however well-formed.
            if (want == Verdict.INVALID && flaw != ModelApp.Flaw.BAD_HASH && flaw != ModelApp.Flaw.BAD_HEADER_SIGNATURE)
            {
                assertNull(app.build(bad.blockHash(), bad.height() + 1, pool, 2, 10, 4));
            }
        }
    }

    @Test
    void hashCoversEveryField()
    {
        final Hash32 base = ModelApp.computeHash(Hash32.ZERO, 1, 5, 0, ModelApp.BASE_FEE, Hash32.ZERO, Hash32.ZERO, List.of());
        assertNotEquals(base, ModelApp.computeHash(Hash32.ZERO, 2, 5, 0, ModelApp.BASE_FEE, Hash32.ZERO, Hash32.ZERO, List.of()));
        assertNotEquals(base, ModelApp.computeHash(Hash32.ZERO, 1, 6, 0, ModelApp.BASE_FEE, Hash32.ZERO, Hash32.ZERO, List.of()));
        assertNotEquals(base, ModelApp.computeHash(Hash32.ZERO, 1, 5, 0, ModelApp.BASE_FEE, Hash32.ZERO, Hash32.ZERO,
            List.of(ModelTx.of(0, 0, 0).id())));
        assertNotEquals(base, ModelApp.computeHash(ModelTx.of(0, 0, 0).id(), 1, 5, 0, ModelApp.BASE_FEE, Hash32.ZERO,
            Hash32.ZERO, List.of()));
    }

    @Test
    void unknownParentIsUnavailable()
    {
        final BlockCandidate orphanParent = app.build(Hash32.ZERO, 1, pool(), 0, 5, 0);
        final ModelApp other = new ModelApp(SimCrypto.members(4, SimCrypto.slackOf(4)));
        final BlockCandidate child = app.build(orphanParent.blockHash(), 2, pool(), 1, 6, 0);
        other.proposer(child.blockHash(), 1);
        assertEquals(Verdict.UNAVAILABLE, other.verify(child, 1));
    }
}
