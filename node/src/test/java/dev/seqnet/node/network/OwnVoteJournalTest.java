package dev.seqnet.node.network;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.Hash32;
import dev.seqnet.chain.block.L2Block;
import dev.seqnet.chain.block.L2Header;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.core.NullifyReason;
import dev.seqnet.consensus.core.OwnVote;
import dev.seqnet.consensus.message.BlockCandidate;
import dev.seqnet.consensus.message.ConsensusMessage;
import dev.seqnet.consensus.message.Proposal;
import dev.seqnet.consensus.message.Vote;
import dev.seqnet.consensus.wire.Decoded;
import dev.seqnet.consensus.wire.JournalCodec;
import dev.seqnet.consensus.wire.OwnVoteRecord;
import dev.seqnet.consensus.wire.ProposalBody;
import dev.seqnet.journal.Journal;
import dev.seqnet.journal.JournalReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PROTOCOL.md §8.1 on the node: the body of a block (record {@code ProposalBody}) is in the journal
 * before the {@code OwnVote} of an own Proposal or Notarize on it, and both are in the journal before
 * the message reaches the transport; each body once; a failed append sends nothing.
 */
class OwnVoteJournalTest
{
    @TempDir
    Path dir;

    private Journal journal;
    private final Map<Hash32, Proposal> proposals = new HashMap<>();
    private final Map<Hash32, L2Block> executed = new HashMap<>();
    /** For each message sent: the journal's records at the moment it reached the transport. */
    private final List<List<String>> journalAtSend = new ArrayList<>();
    private final List<ConsensusMessage> sent = new ArrayList<>();

    @AfterEach
    void close()
    {
        if (journal != null && !journal.isClosed())
        {
            journal.close();
        }
    }

    private OwnVoteJournal open()
    {
        journal = Journal.open(new Journal.Context().dir(dir.resolve("journal")));
        return new OwnVoteJournal(journal, proposals::get, executed::get, message ->
        {
            journalAtSend.add(records(journal));
            sent.add(message);
        });
    }

    @Test
    void theLeaderJournalsItsBlockOnceBeforeItsProposalAndNotarize()
    {
        final OwnVoteJournal votes = open();
        final L2Block block = block(7, 3);
        final Proposal p = executed(proposal(5, 4, 1, block), block);
        persist(votes, MessageKind.PROPOSAL, p);
        persist(votes, MessageKind.NOTARIZE, p);

        assertEquals(List.of("body v5 " + p.blockHash().shortHex(), "vote PROPOSAL v5"), journalAtSend.get(0),
            "the proposal goes out after its body and its own record");
        assertEquals(List.of("body v5 " + p.blockHash().shortHex(), "vote PROPOSAL v5", "vote NOTARIZE v5"), journalAtSend.get(1),
            "the leader's Notarize does not write the body again");
        assertEquals(1, votes.bodiesWritten());
        assertEquals(0, votes.bodiesMissing());
        assertEquals(2, sent.size());
        assertEquals(p, sent.get(0));
        assertBody(p, block, bodies(journal).get(0));
    }

    @Test
    void aFollowerJournalsTheVerifiedBlockBeforeItsNotarizeAndOtherVotesCarryNoBody()
    {
        final OwnVoteJournal votes = open();
        final L2Block block = block(8, 2);
        final Proposal p = executed(proposal(6, 5, 2, block), block);
        proposals.put(p.blockHash(), p);
        persist(votes, MessageKind.NOTARIZE, p);
        persist(votes, MessageKind.FINALIZE, p);
        final OwnVote nullify = new OwnVote(MessageKind.NULLIFY, 7, 0, Hash32.ZERO, Hash32.ZERO, NullifyReason.TIMEOUT, sig(7));
        votes.persistThenBroadcast(nullify, new Vote(MessageKind.NULLIFY, 0, 7, Hash32.ZERO, sig(7)), 3);

        final String body = "body v6 " + p.blockHash().shortHex();
        assertEquals(List.of(body, "vote NOTARIZE v6"), journalAtSend.get(0));
        assertEquals(List.of(body, "vote NOTARIZE v6", "vote FINALIZE v6"), journalAtSend.get(1));
        assertEquals(List.of(body, "vote NOTARIZE v6", "vote FINALIZE v6", "vote NULLIFY v7"), journalAtSend.get(2));
        assertEquals(1, votes.bodiesWritten());
        assertBody(p, block, bodies(journal).get(0));
    }

    @Test
    void aNotarizeWithoutItsExecutedBlockIsCountedAndStillSent()
    {
        final OwnVoteJournal votes = open();
        final Proposal p = proposal(6, 5, 2, block(8, 1));
        proposals.put(p.blockHash(), p); // held, but not executed here
        persist(votes, MessageKind.NOTARIZE, p);
        assertEquals(List.of(List.of("vote NOTARIZE v6")), journalAtSend);
        assertEquals(1, votes.bodiesMissing());
        assertEquals(0, votes.bodiesWritten());
    }

    @Test
    void aFailedAppendSendsNothing()
    {
        final OwnVoteJournal votes = open();
        final L2Block block = block(7, 1);
        final Proposal p = executed(proposal(5, 4, 1, block), block);
        journal.close();
        assertThrows(IllegalStateException.class, () -> persist(votes, MessageKind.PROPOSAL, p));
        assertTrue(sent.isEmpty(), "nothing may leave before it is journaled");
    }

    private Proposal executed(final Proposal p, final L2Block block)
    {
        executed.put(p.blockHash(), block);
        return p;
    }

    // ---------------------------------------------------------------------------------------------
    // Fixtures, also used by ConsensusRecoveryTest

    /** The member's own {@code kind} message on {@code p} (the proposal itself for PROPOSAL), journaled and sent. */
    static void persist(final OwnVoteJournal votes, final MessageKind kind, final Proposal p)
    {
        votes.persistThenBroadcast(ownVote(kind, p), kind == MessageKind.PROPOSAL ? p : vote(kind, p), p.view());
    }

    /** A block at {@code height} with {@code txCount} opaque transactions; its hash is the header's. */
    static L2Block block(final long height, final int txCount)
    {
        final List<byte[]> raws = new ArrayList<>();
        final List<Address> senders = new ArrayList<>();
        for (int i = 0; i < txCount; i++)
        {
            final byte[] raw = new byte[40 + i];
            raw[0] = (byte)height;
            raw[1] = (byte)i;
            raws.add(raw);
            final byte[] a = new byte[Address.LENGTH];
            a[19] = (byte)(i + 1);
            senders.add(Address.of(a));
        }
        final byte[] prev = new byte[32];
        prev[0] = (byte)(height - 1);
        final L2Header header = new L2Header(height, prev, new byte[32], BigInteger.ONE, new byte[32], 1_700_000_000L + height);
        return new L2Block(header, header.hash(), sig(height), 21_000L * txCount, 10_000_000L, raws, senders);
    }

    /** A proposal of {@code block} (signatures are placeholders: nothing here checks them). */
    static Proposal proposal(final long view, final long parentView, final int leader, final L2Block block)
    {
        final L2Header h = block.header();
        final List<Hash32> hashes = new ArrayList<>();
        for (int i = 0; i < block.txCount(); i++)
        {
            final byte[] id = new byte[32];
            id[0] = (byte)block.height();
            id[1] = (byte)i;
            hashes.add(Hash32.wrap(id));
        }
        final BlockCandidate c = new BlockCandidate(Hash32.wrap(block.hash()), Hash32.wrap(h.prevHash()), h.height(),
            h.timestamp(), h.l1FeeRateHi(), h.l1FeeRateLo(), block.gasUsed(), block.baseFee(), Hash32.wrap(h.stateRoot()),
            Hash32.wrap(h.txMerkleRoot()), block.signature(), hashes);
        return new Proposal(view, parentView, leader, c, sig(view));
    }

    static OwnVote ownVote(final MessageKind kind, final Proposal p)
    {
        return kind == MessageKind.PROPOSAL ?
            new OwnVote(kind, p.view(), p.parentView(), p.blockHash(), p.parentHash(), null, p.signature()) :
            new OwnVote(kind, p.view(), 0, p.blockHash(), Hash32.ZERO, null, sig(p.view() + 100));
    }

    static Vote vote(final MessageKind kind, final Proposal p)
    {
        return new Vote(kind, 0, p.view(), p.blockHash(), sig(p.view() + 100));
    }

    static byte[] sig(final long seed)
    {
        final byte[] s = new byte[64];
        s[0] = (byte)seed;
        s[63] = 1;
        return s;
    }

    /** The consensus records of {@code journal}, in order, as short strings. */
    static List<String> records(final Journal journal)
    {
        final List<String> out = new ArrayList<>();
        for (final Object record : decoded(journal))
        {
            if (record instanceof ProposalBody b)
            {
                out.add("body v" + b.proposal().view() + " " + b.proposal().blockHash().shortHex());
            }
            else if (record instanceof OwnVoteRecord v)
            {
                out.add("vote " + v.vote().kind() + " v" + v.vote().view());
            }
            else
            {
                out.add("other " + record.getClass().getSimpleName());
            }
        }
        return out;
    }

    private static List<ProposalBody> bodies(final Journal journal)
    {
        final List<ProposalBody> out = new ArrayList<>();
        for (final Object record : decoded(journal))
        {
            if (record instanceof ProposalBody b)
            {
                out.add(b);
            }
        }
        return out;
    }

    /** Every consensus record of {@code journal}, decoded, in order. */
    private static List<Object> decoded(final Journal journal)
    {
        final List<Object> out = new ArrayList<>();
        final JournalCodec codec = new JournalCodec();
        try (JournalReader reader = journal.newReader())
        {
            reader.readAll((index, templateId, buffer, offset, length) ->
            {
                final Decoded<Object> d = codec.decode(buffer, offset, length);
                assertTrue(d.isOk(), "record " + index + ": " + d.drop());
                out.add(d.value());
            });
        }
        catch (final Exception e)
        {
            throw new AssertionError(e);
        }
        return out;
    }

    static void assertBody(final Proposal p, final L2Block block, final ProposalBody body)
    {
        assertEquals(p.view(), body.proposal().view());
        assertEquals(p.blockHash(), body.proposal().blockHash());
        assertArrayEquals(p.signature(), body.proposal().signature());
        assertEquals(block.txCount(), body.txs().size());
        for (int i = 0; i < block.txCount(); i++)
        {
            assertArrayEquals(block.rawTx(i), body.txs().get(i));
            assertEquals(block.sender(i), body.senders().get(i));
        }
    }
}
