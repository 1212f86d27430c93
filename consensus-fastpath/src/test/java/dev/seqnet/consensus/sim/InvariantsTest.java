package dev.seqnet.consensus.sim;

import dev.seqnet.chain.Hash32;
import dev.seqnet.consensus.Certificate;
import dev.seqnet.consensus.CertificateKind;
import dev.seqnet.consensus.MemberSet;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.core.Evidence;
import dev.seqnet.consensus.core.EvidenceKind;
import dev.seqnet.consensus.core.FinalizationPath;
import dev.seqnet.consensus.core.FinalizedBlock;
import dev.seqnet.consensus.core.NullifyReason;
import dev.seqnet.consensus.core.OwnVote;
import dev.seqnet.consensus.message.BlockCandidate;
import dev.seqnet.consensus.message.Vote;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The invariant checker fed with synthetic histories: each invariant fires on a history that breaks it, and only then. */
class InvariantsTest
{
    private final MemberSet members = SimCrypto.members(4, SimCrypto.slackOf(4));
    private final ModelApp app = new ModelApp(members);
    private final boolean[] byzantine = {false, false, false, true};
    private final Invariants inv = new Invariants(members, SimCrypto.verifier(members), app, byzantine);

    private static Vote vote(final int signer, final MessageKind kind, final long view, final Hash32 hash)
    {
        return new Vote(kind, signer, view, hash, SimCrypto.sign(signer, SimCrypto.DOMAIN.voteDigest(kind, view, hash.unsafeBytes())));
    }

    private static OwnVote own(final Vote v, final NullifyReason reason)
    {
        return new OwnVote(v.kind(), v.view(), 0, v.blockHash(), Hash32.ZERO, reason, v.signature());
    }

    private static Certificate fast(final long view, final Hash32 hash)
    {
        final byte[][] sigs = new byte[4][];
        for (int i = 0; i < 4; i++)
        {
            sigs[i] = vote(i, MessageKind.NOTARIZE, view, hash).signature();
        }
        return new Certificate(CertificateKind.FINALIZATION_FAST, view, hash.bytes(), Certificate.bitmap(0, 1, 2, 3),
            new byte[32], sigs);
    }

    private FinalizedBlock fin(final BlockCandidate c, final long view, final long parentView)
    {
        return new FinalizedBlock(c.height(), view, parentView, members.schedule().leader(view), c.blockHash(),
            FinalizationPath.FAST, c.height(), fast(view, c.blockHash()));
    }

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
    void agreementAndChainShape()
    {
        final BlockCandidate a = app.build(Hash32.ZERO, 1, pool(ModelTx.of(0, 0, 0)), 0, 1, 8);
        final BlockCandidate b = app.build(Hash32.ZERO, 1, pool(), 0, 2, 8);
        inv.onDeliver(0, fin(a, 1, 0), Set.of());
        inv.onDeliver(1, fin(a, 1, 0), Set.of());
        final Violation v = assertThrows(Violation.class, () -> inv.onDeliver(2, fin(b, 1, 0), Set.of()));
        assertEquals("I1", v.id());
        final BlockCandidate c = app.build(a.blockHash(), 2, pool(), 1, 3, 8);
        assertEquals("I5", assertThrows(Violation.class, () -> inv.onDeliver(3, fin(c, 2, 1), Set.of())).id(),
            "member 3 skipped height 1");
        assertEquals("I5", assertThrows(Violation.class, () -> inv.onDeliver(0, fin(c, 2, 1), Set.of(c.blockHash()))).id(),
            "an abandoned block must never be delivered");
        assertDoesNotThrow(() -> inv.onDeliver(0, fin(c, 2, 1), Set.of()));
        inv.endOfStep(0);
    }

    @Test
    void certificatesMustVerifyAndMatchThePath()
    {
        final BlockCandidate a = app.build(Hash32.ZERO, 1, pool(), 0, 1, 8);
        final Certificate forged = new Certificate(CertificateKind.FINALIZATION_FAST, 1, a.blockHash().bytes(),
            Certificate.bitmap(0, 1, 2), new byte[32], new byte[][] {new byte[64], new byte[64], new byte[64]});
        assertEquals("I4", assertThrows(Violation.class, () -> inv.onDeliver(0, new FinalizedBlock(1, 1, 0, 0, a.blockHash(),
            FinalizationPath.FAST, 1, forged), Set.of())).id());
        assertEquals("I4", assertThrows(Violation.class, () -> inv.onDeliver(0, new FinalizedBlock(1, 1, 0, 0, a.blockHash(),
            FinalizationPath.SLOW, 1, fast(1, a.blockHash())), Set.of())).id(), "a fast certificate on a SLOW delivery");
        // INDIRECT: the certified block must follow in the same step.
        final BlockCandidate b = app.build(a.blockHash(), 2, pool(), 1, 2, 8);
        inv.onDeliver(1, new FinalizedBlock(1, 1, 0, 0, a.blockHash(), FinalizationPath.INDIRECT, 2, fast(2, b.blockHash())), Set.of());
        assertEquals("I4", assertThrows(Violation.class, () -> inv.endOfStep(1)).id());
    }

    @Test
    void replayCatchesATransactionFinalizedTwice()
    {
        final TreeSet<ModelTx> pool = pool(ModelTx.of(0, 0, 0));
        final BlockCandidate a = app.build(Hash32.ZERO, 1, pool, 0, 1, 8);
        final BlockCandidate twice = app.buildFlawed(a.blockHash(), 2, pool, 1, 2, ModelApp.Flaw.REPLAYED_TX, 0);
        inv.onDeliver(0, fin(a, 1, 0), Set.of());
        assertEquals("I2", assertThrows(Violation.class, () -> inv.onDeliver(0, fin(twice, 2, 1), Set.of())).id());
    }

    @Test
    void honestDoubleSignAndNullifyDiscipline()
    {
        final Hash32 b = app.build(Hash32.ZERO, 1, pool(), 0, 1, 8).blockHash();
        final Hash32 other = app.build(Hash32.ZERO, 1, pool(), 0, 2, 8).blockHash();
        final Vote n1 = vote(1, MessageKind.NOTARIZE, 1, b);
        inv.onSigned(1, own(n1, null), n1);
        inv.onSigned(1, own(n1, null), n1); // re-sent unchanged after a restart: fine
        final Vote n2 = vote(1, MessageKind.NOTARIZE, 1, other);
        assertEquals("I3", assertThrows(Violation.class, () -> inv.onSigned(1, own(n2, null), n2)).id());
        final Vote nullify = vote(1, MessageKind.NULLIFY, 1, Hash32.ZERO);
        assertEquals("I3", assertThrows(Violation.class,
            () -> inv.onSigned(1, own(nullify, NullifyReason.CONTRADICTION), nullify)).id(), "conflict 0 < T");
        inv.onObserved(1, vote(2, MessageKind.NULLIFY, 1, Hash32.ZERO));
        inv.onObserved(1, vote(3, MessageKind.NOTARIZE, 1, other));
        assertEquals("I3", assertThrows(Violation.class,
            () -> inv.onSigned(1, own(nullify, NullifyReason.TIMEOUT), nullify)).id(), "a notarizer never times out");
        assertDoesNotThrow(() -> inv.onSigned(1, own(nullify, NullifyReason.CONTRADICTION), nullify));
        final Vote fin = vote(1, MessageKind.FINALIZE, 1, b);
        assertEquals("I3", assertThrows(Violation.class, () -> inv.onSigned(1, own(fin, null), fin)).id(), "E4");
        final Vote fb = vote(0, MessageKind.NOTARIZE_FALLBACK, 2, b);
        assertEquals("I3", assertThrows(Violation.class, () -> inv.onSigned(0, own(fb, null), fb)).id(),
            "fallback without own Nullify");
    }

    @Test
    void evidenceMustBeGenuineAndComplete()
    {
        final Hash32 b = app.build(Hash32.ZERO, 1, pool(), 0, 1, 8).blockHash();
        final Hash32 other = app.build(Hash32.ZERO, 1, pool(), 0, 2, 8).blockHash();
        final Vote a1 = vote(3, MessageKind.NOTARIZE, 1, b);
        final Vote a2 = vote(3, MessageKind.NOTARIZE, 1, other);
        inv.onByzantineReceived(0, 0, a1);
        inv.onByzantineReceived(0, 0, a2);
        assertEquals(1, inv.expectedEvidence());
        assertEquals("I7", assertThrows(Violation.class, inv::checkEvidenceDelivered).id());
        inv.onEvidence(0, 0, new Evidence(EvidenceKind.DOUBLE_NOTARIZE, 3, 1, a1, a2));
        assertDoesNotThrow(inv::checkEvidenceDelivered);
        final Vote h1 = vote(1, MessageKind.NOTARIZE, 1, b);
        final Vote h2 = vote(1, MessageKind.NOTARIZE, 1, other);
        assertEquals("I7", assertThrows(Violation.class,
            () -> inv.onEvidence(0, 0, new Evidence(EvidenceKind.DOUBLE_NOTARIZE, 1, 1, h1, h2))).id(), "honest member accused");
        assertEquals("I7", assertThrows(Violation.class,
            () -> inv.onEvidence(0, 0, new Evidence(EvidenceKind.DOUBLE_NOTARIZE, 3, 1, a1, a1))).id(), "not a conflicting pair");
        assertEquals(List.of(), List.of());
    }
}
