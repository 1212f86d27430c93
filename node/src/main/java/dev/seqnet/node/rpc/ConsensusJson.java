package dev.seqnet.node.rpc;

import dev.seqnet.consensus.wire.DropReason;
import dev.seqnet.node.consensus.ConsensusView;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqnet.chain.Hex;
import dev.seqnet.chain.block.L2Block;
import dev.seqnet.consensus.CertificateCodec;
import dev.seqnet.consensus.core.CoreStatus;
import dev.seqnet.consensus.core.FinalizedBlock;
import dev.seqnet.node.consensus.EvidenceRecord;
import dev.seqnet.node.state.ChainView;

/**
 * JSON of the consensus methods (docs/RPC.md): {@code seq_status}, the finality proof of
 * {@code seq_getCertificate} (also attached as {@code certificate} to {@code ledger_*} blocks) and
 * {@code seq_getEvidence} records. Counter names are those of PROTOCOL.md §11.
 */
public final class ConsensusJson
{
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ConsensusJson()
    {
    }

    /** {@code seq_status}: the core's snapshot plus the drops counted before the core (inbound checks). */
    public static ObjectNode status(final ConsensusView consensus)
    {
        final ObjectNode o = status(consensus.status());
        final ObjectNode counters = (ObjectNode)o.get("counters");
        for (final DropReason reason : new DropReason[] {DropReason.MALFORMED, DropReason.OVERSIZE, DropReason.NON_MEMBER,
            DropReason.BAD_SIGNATURE})
        {
            counters.put(reason.counterName(), consensus.inboundDrops(reason));
        }
        // Counted in both places: the inbound check drops proposals from the wrong leader, certificates
        // already held and messages of views already finalized; the core drops the rest.
        counters.put("drop.wrongLeader", counters.get("drop.wrongLeader").asLong() + consensus.inboundDrops(DropReason.WRONG_LEADER));
        counters.put("drop.duplicate", counters.get("drop.duplicate").asLong() + consensus.inboundDrops(DropReason.DUPLICATE));
        counters.put("drop.late", counters.get("drop.late").asLong() + consensus.inboundDrops(DropReason.LATE));
        counters.put("tx.invalidFromPeer", consensus.txInvalidFromPeer());
        counters.put("sig.checked", consensus.signaturesChecked());
        counters.put("sig.skipped", consensus.signaturesSkipped());
        consensus.hostCounters().forEach(counters::put);
        return o;
    }

    public static ObjectNode status(final CoreStatus status)
    {
        final ObjectNode o = F.objectNode();
        o.put("view", status.view());
        o.put("leader", status.leader());
        o.put("finalizedHeight", status.finalizedHeight());
        o.put("finalizedView", status.finalizedView());
        final ArrayNode members = o.putArray("members");
        for (final CoreStatus.MemberHealth m : status.members())
        {
            final ObjectNode mo = members.addObject();
            mo.put("index", m.index());
            mo.put("lastActiveView", m.lastActiveView());
            mo.put("demoted", m.demoted());
            mo.put("timeoutsAsLeader", m.timeoutsAsLeader());
        }
        final CoreStatus.Counters c = status.counters();
        final ObjectNode counters = o.putObject("counters");
        counters.put("views.notarized", c.viewsNotarized());
        counters.put("views.nullified", c.viewsNullified());
        counters.put("views.skipped", c.viewsSkipped());
        counters.put("timeouts", c.timeouts());
        counters.put("nullify.contradiction", c.nullifyContradiction());
        counters.put("fallbacks.sent", c.fallbacksSent());
        counters.put("blocks.fastFinalized", c.blocksFastFinalized());
        counters.put("blocks.slowFinalized", c.blocksSlowFinalized());
        counters.put("blocks.indirect", c.blocksIndirect());
        counters.put("evidence.count", c.evidenceCount());
        counters.put("drop.late", c.dropLate());
        counters.put("drop.stale", c.dropStale());
        counters.put("drop.farFuture", c.dropFarFuture());
        counters.put("drop.duplicate", c.dropDuplicate());
        counters.put("drop.invalidProposal", c.dropInvalidProposal());
        counters.put("drop.wrongLeader", c.dropWrongLeader());
        counters.put("relay.certificates", c.certificatesRelayed());
        counters.put("relay.finalizationRequests", c.finalizationRequests());
        o.put("evidenceCount", c.evidenceCount());
        return o;
    }

    /**
     * The finality proof of {@code block}: the certificate frame of the block at
     * {@code certifiedHeight} and the headers above {@code height} up to it, or null when a header in
     * between is missing from {@code chain} (not final here yet).
     */
    public static ObjectNode proof(final FinalizedBlock block, final ChainView chain)
    {
        final ObjectNode o = F.objectNode();
        o.put("height", block.height());
        o.put("blockHash", Hex.encode(block.blockHash().bytes()));
        o.put("view", block.view());
        o.put("path", block.path().name());
        o.put("certifiedHeight", block.certifiedHeight());
        o.put("certificate", Hex.encode(CertificateCodec.encode(block.certificate())));
        final ArrayNode headers = o.putArray("headers");
        for (long h = block.height() + 1; h <= block.certifiedHeight(); h++)
        {
            final L2Block above = chain.block(h);
            if (above == null)
            {
                return null;
            }
            headers.add(BlockJson.header(above));
        }
        return o;
    }

    public static ObjectNode evidence(final EvidenceRecord record)
    {
        final ObjectNode o = F.objectNode();
        o.put("seq", record.seq());
        o.put("kind", record.kind().name());
        o.put("member", record.member());
        o.put("view", record.view());
        o.put("first", Hex.encode(record.first()));
        o.put("second", Hex.encode(record.second()));
        return o;
    }
}
