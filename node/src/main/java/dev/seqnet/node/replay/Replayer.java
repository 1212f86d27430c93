package dev.seqnet.node.replay;

import dev.seqnet.chain.Hex;
import dev.seqnet.chain.block.BlockVerifier;
import dev.seqnet.chain.block.L2Block;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.chain.tx.TxDecoder;
import dev.seqnet.journal.JournalReader;
import dev.seqnet.node.config.Genesis;
import dev.seqnet.node.core.BlockApplier;
import dev.seqnet.node.core.BlockRejectedException;
import dev.seqnet.node.core.JournalScanner;
import dev.seqnet.ordering.exec.NativeLedger;

import java.io.PrintStream;
import java.util.List;

/**
 * {@code sequencer replay}: re-executes a member's journaled blocks from genesis on a fresh ledger
 * and checks every header hash, merkle root, prev_hash link, timestamp, block signature and state
 * root. Blocks below {@code from} are re-executed (their state is needed) and checked too but not
 * printed; the replay stops after {@code to}. With {@code verifyTxSignatures} every transaction's
 * sender is recovered again and compared with the journaled one.
 */
public final class Replayer implements JournalScanner.Visitor
{
    /** What a replay covered. */
    public record Summary(long blocks, long transactions, long headHeight, byte[] headHash, long elapsedNanos)
    {
        public double txPerSecond()
        {
            return elapsedNanos == 0 ? 0 : transactions * 1e9 / elapsedNanos;
        }
    }

    private final Genesis genesis;
    private final BlockApplier applier;
    private final long from;
    private final long to;
    private final boolean verifyTxSignatures;
    private final PrintStream out;
    private final byte[][] memberKeys;

    private final dev.seqnet.consensus.wire.JournalCodec journalCodec = new dev.seqnet.consensus.wire.JournalCodec();
    private final dev.seqnet.consensus.FinalityVerifier finality;
    private final long[] paths = new long[3];
    private long ownVotes;
    private long proposalBodies;
    private long evidence;
    private L2Block head;
    private long blocks;
    private long transactions;

    public Replayer(final Genesis genesis, final long from, final long to, final boolean verifyTxSignatures, final PrintStream out)
    {
        this.genesis = genesis;
        this.applier = new BlockApplier(
            new TxDecoder(genesis.chainId), new NativeLedger(genesis.allocations(), genesis.feeRecipientAddress()));
        this.from = from;
        this.to = to;
        this.verifyTxSignatures = verifyTxSignatures;
        this.out = out;
        this.finality = new dev.seqnet.consensus.FinalityVerifier(genesis.memberSet(), genesis.signingDomain());
        this.memberKeys = new byte[genesis.members.size()][];
        for (int i = 0; i < memberKeys.length; i++)
        {
            memberKeys[i] = Hex.decode(genesis.members.get(i).publicKey);
        }
    }

    /** @throws BlockRejectedException naming the first block that does not verify. */
    public Summary run(final JournalReader reader) throws Exception
    {
        final long start = System.nanoTime();
        try
        {
            new JournalScanner().scan(reader, this);
        }
        catch (final StopReplay ignore)
        {
            // reached --to
        }
        final long elapsed = System.nanoTime() - start;
        return new Summary(blocks, transactions, head == null ? 0 : head.header().height(),
            head == null ? new byte[32] : head.hash(), elapsed);
    }

    @Override
    public void onBlock(final long index, final L2Block block) throws Exception
    {
        final long height = block.header().height();
        if (height > to)
        {
            throw new StopReplay();
        }
        final long expectedHeight = head == null ? 1 : head.header().height() + 1;
        if (height != expectedHeight)
        {
            throw new BlockRejectedException(height, "expected height " + expectedHeight + " next in the journal");
        }
        final String problem = verifyAgainstMembers(block);
        if (problem != null)
        {
            throw new BlockRejectedException(height, problem);
        }
        final List<EthTransaction> txs = applier.apply(block, head, verifyTxSignatures);
        head = block;
        if (height >= from)
        {
            blocks++;
            transactions += txs.size();
            if (out != null)
            {
                out.printf("block %d hash %s prev %s txs %d gas %d base_fee %d ts %d state_root %s ok%n",
                    height, Hex.encode(block.hash()), Hex.encode(block.header().prevHash()), txs.size(), block.gasUsed(),
                    block.baseFee(), block.header().timestamp(), Hex.encode(block.header().stateRoot()));
            }
        }
    }

    /**
     * A consensus record: after each block of a multi-member network, its {@code FinalizedBlock}
     * metadata. Printed as who proposed the block, in which view, how it was finalized and the
     * certificate's signers; the certificate is checked against genesis alone.
     */
    @Override
    public void onConsensusRecord(
        final long index, final int templateId, final org.agrona.DirectBuffer buffer, final int offset, final int length)
        throws Exception
    {
        if (templateId == dev.seqnet.consensus.wire.Templates.OWN_VOTE)
        {
            ownVotes++;
            return;
        }
        if (templateId == dev.seqnet.consensus.wire.Templates.EVIDENCE)
        {
            evidence++;
            return;
        }
        if (templateId == dev.seqnet.consensus.wire.Templates.PROPOSAL_BODY)
        {
            // Bodies of blocks this member proposed or notarized (§8.1), finalized or not: a finalized
            // one is replayed from its L2Block entry, so the body is only checked to decode and counted.
            if (!journalCodec.decodeProposalBody(buffer, offset, length).isOk())
            {
                throw new dev.seqnet.journal.JournalCorruptException(index, null, "undecodable proposal-body record");
            }
            proposalBodies++;
            return;
        }
        if (templateId != dev.seqnet.consensus.wire.Templates.FINALIZED_BLOCK)
        {
            return;
        }
        final var decoded = journalCodec.decodeFinalizedBlock(buffer, offset, length);
        if (!decoded.isOk())
        {
            throw new dev.seqnet.journal.JournalCorruptException(index, null, "undecodable finalized-block record");
        }
        final dev.seqnet.consensus.core.FinalizedBlock fb = decoded.value();
        if (head == null || fb.height() != head.height() || !java.util.Arrays.equals(fb.blockHash().unsafeBytes(), head.hash()))
        {
            throw new BlockRejectedException(fb.height(), "finalization record does not follow its block");
        }
        // onBlock already checked that a member signed the header. Two leaders may propose byte-identical
        // headers in different views (a header names neither), so the copy journaled here may carry the
        // other leader's signature: say so rather than fail.
        final String signedBy = BlockVerifier.verify(head, null, 0, memberKeys[fb.proposer()]) == null ? "" :
            " (header signed by another member: identical block proposed in two views)";
        final String certificate;
        if (fb.certificate() == null)
        {
            certificate = "none";
        }
        else
        {
            final var check = finality.verify(dev.seqnet.consensus.CertificateCodec.encode(fb.certificate()));
            if (!check.isValid())
            {
                throw new BlockRejectedException(fb.height(), "certificate invalid: " + check.error());
            }
            final StringBuilder signers = new StringBuilder();
            for (int i = 0; i < memberKeys.length; i++)
            {
                if (dev.seqnet.consensus.Certificate.isSet(fb.certificate().signers(), i))
                {
                    signers.append(signers.length() == 0 ? "" : ",").append(i);
                }
            }
            certificate = fb.certificate().kind() + " view " + fb.certificate().view() + " signers [" + signers + "] valid";
        }
        paths[fb.path().ordinal()]++;
        if (out != null && fb.height() >= from)
        {
            out.printf("  view %d parent_view %d proposer %d%s path %s certified_height %d certificate %s%n",
                fb.view(), fb.parentView(), fb.proposer(), signedBy, fb.path(), fb.certifiedHeight(), certificate);
        }
    }

    /** Blocks finalized FAST, SLOW and INDIRECT, from the journal's finalization records. */
    public long[] paths()
    {
        return paths.clone();
    }

    /** Own votes and evidence records in the journal. */
    public long ownVotes()
    {
        return ownVotes;
    }

    public long evidence()
    {
        return evidence;
    }

    /** {@code ProposalBody} records in the journal (bodies journaled before an own Proposal or Notarize). */
    public long proposalBodies()
    {
        return proposalBodies;
    }

    /** Null when some genesis member's key verifies the block (single-member: member 0). */
    private String verifyAgainstMembers(final L2Block block)
    {
        final byte[] prevHash = head == null ? new byte[32] : head.hash();
        final long prevTs = head == null ? genesis.timestamp : head.header().timestamp();
        String first = null;
        for (final byte[] key : memberKeys)
        {
            final String problem = BlockVerifier.verify(block, prevHash, prevTs, key);
            if (problem == null)
            {
                return null;
            }
            if (first == null)
            {
                first = problem;
            }
        }
        return first;
    }

    /** Unwinds the scan once {@code --to} is passed. */
    private static final class StopReplay extends Exception
    {
        private static final long serialVersionUID = 1L;

        StopReplay()
        {
            super(null, null, false, false);
        }
    }
}
