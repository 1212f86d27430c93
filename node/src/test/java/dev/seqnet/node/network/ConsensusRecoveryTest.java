package dev.seqnet.node.network;

import dev.seqnet.chain.Hash32;
import dev.seqnet.chain.block.L2Block;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.core.FinalizationPath;
import dev.seqnet.consensus.core.FinalizedBlock;
import dev.seqnet.consensus.message.Proposal;
import dev.seqnet.consensus.wire.ProposalBody;
import dev.seqnet.journal.Journal;
import dev.seqnet.journal.JournalReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.seqnet.node.network.OwnVoteJournalTest.block;
import static dev.seqnet.node.network.OwnVoteJournalTest.persist;
import static dev.seqnet.node.network.OwnVoteJournalTest.proposal;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * PROTOCOL.md §8.2 on the node: {@link ConsensusRecovery} reads back the bodies a member journaled
 * through {@link OwnVoteJournal}, keeping those above the finalized head that an own PROPOSAL (same
 * view) or NOTARIZE (same block) names, and dropping a body cut off from its vote by a crash.
 */
class ConsensusRecoveryTest
{
    @TempDir
    Path dir;

    @Test
    void bodiesAboveTheFinalizedHeadThatAnOwnVoteNamesAreReadBack() throws Exception
    {
        final Map<Hash32, Proposal> proposals = new HashMap<>();
        final Map<Hash32, L2Block> executed = new HashMap<>();
        final L2Block b3 = block(3, 1);
        final L2Block b4 = block(4, 2);
        final L2Block b5 = block(5, 0);
        final L2Block b6 = block(6, 3);
        final Proposal p3 = proposal(3, 2, 3, b3); // notarized, then finalized: no longer needed
        final Proposal p4 = proposal(4, 3, 0, b4); // own proposal (member 0), not final
        final Proposal p5 = proposal(5, 4, 1, b5); // notarized, not final
        final Proposal p6 = proposal(6, 5, 0, b6); // own proposal whose record a crash cut off
        for (final Proposal p : List.of(p3, p4, p5, p6))
        {
            proposals.put(p.blockHash(), p);
        }
        executed.put(p3.blockHash(), b3);
        executed.put(p4.blockHash(), b4);
        executed.put(p5.blockHash(), b5);
        executed.put(p6.blockHash(), b6);

        final Path journalDir = dir.resolve("journal");
        try (Journal journal = Journal.open(new Journal.Context().dir(journalDir)))
        {
            final OwnVoteJournal votes = new OwnVoteJournal(journal, proposals::get, executed::get, message -> { });
            persist(votes, MessageKind.NOTARIZE, p3);
            final byte[] meta = new byte[dev.seqnet.consensus.wire.FrameLimits.FINALIZED_BLOCK];
            final org.agrona.concurrent.UnsafeBuffer metaBuffer = new org.agrona.concurrent.UnsafeBuffer(meta);
            final int metaLength = new dev.seqnet.consensus.wire.JournalCodec().encodeFinalizedBlock(
                new FinalizedBlock(3, 3, 2, 3, p3.blockHash(), FinalizationPath.INDIRECT, 4, null), metaBuffer, 0);
            journal.append(metaBuffer, 0, metaLength);
            persist(votes, MessageKind.PROPOSAL, p4);
            persist(votes, MessageKind.NOTARIZE, p4);
            persist(votes, MessageKind.NOTARIZE, p5);
            // A crash between the body and the own PROPOSAL record of view 6: append the body alone.
            final org.agrona.ExpandableArrayBuffer body = new org.agrona.ExpandableArrayBuffer(256);
            journal.append(body, 0, new dev.seqnet.consensus.wire.JournalCodec().encodeProposalBody(p6, b6, body, 0));
            assertEquals(List.of("body v3 " + p3.blockHash().shortHex(), "vote NOTARIZE v3", "other FinalizedBlock",
                "body v4 " + p4.blockHash().shortHex(), "vote PROPOSAL v4", "vote NOTARIZE v4",
                "body v5 " + p5.blockHash().shortHex(), "vote NOTARIZE v5", "body v6 " + p6.blockHash().shortHex()),
                OwnVoteJournalTest.records(journal));
        }

        final ConsensusRecovery recovery;
        try (Journal journal = Journal.open(new Journal.Context().dir(journalDir).readOnly(true));
            JournalReader reader = journal.newReader())
        {
            recovery = new ConsensusRecovery(16).scan(reader);
        }
        final List<ProposalBody> bodies = recovery.bodies(3);
        assertEquals(2, bodies.size(), "view 3 is final, view 6's body lost its vote to a crash");
        OwnVoteJournalTest.assertBody(p4, b4, bodies.get(0));
        OwnVoteJournalTest.assertBody(p5, b5, bodies.get(1));
        assertEquals(List.of(), recovery.bodies(5), "nothing above view 5 has a vote");
        assertEquals(3, recovery.state(null).ownVotes().size(),
            "bodies are not votes, and the vote of view 3, which the finalization of view 3 covers, is not kept");
    }
}
