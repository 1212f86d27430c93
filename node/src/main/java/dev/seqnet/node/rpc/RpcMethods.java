package dev.seqnet.node.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.seqnet.chain.Address;
import dev.seqnet.chain.ChainConstants;
import dev.seqnet.chain.Hex;
import dev.seqnet.chain.block.L2Block;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.chain.tx.TxDecodeException;
import dev.seqnet.chain.tx.TxDecoder;
import dev.seqnet.chain.tx.TxRejection;
import dev.seqnet.consensus.core.FinalizedBlock;
import dev.seqnet.node.config.Genesis;
import dev.seqnet.node.consensus.ConsensusView;
import dev.seqnet.node.consensus.EvidenceRecord;
import dev.seqnet.node.state.ChainView;
import dev.seqnet.ringbuffer.IngressCallback;
import dev.seqnet.ringbuffer.IngressPipeline;

import java.util.concurrent.CompletableFuture;

/**
 * The JSON-RPC methods a wallet, a Citrea full node and an operator call. Reads come from the
 * {@link ChainView} and {@link ConsensusView} read models on the calling (Vert.x) thread; {@code eth_sendRawTransaction}
 * publishes into the ingress ring buffer and completes when the single-writer stage has admitted
 * (and journaled) or refused the transaction.
 */
public final class RpcMethods
{
    /** Largest {@code ledger_getL2BlockRange} span: Citrea's own limit (its full nodes poll 10 at a time). */
    public static final int MAX_RANGE = 20;

    /** Longest block-number string accepted: {@code 0x} and 16 hex digits, or 19 decimal digits. */
    private static final int MAX_QUANTITY_CHARS = 18;

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final Genesis genesis;
    private final ChainView view;
    private final IngressPipeline ingress;
    private final TxDecoder decoder;
    private final Subscriptions subscriptions;
    private final ConsensusView consensus;
    private final java.util.List<java.util.function.Supplier<java.util.Map<String, Long>>> statusCounters =
        new java.util.concurrent.CopyOnWriteArrayList<>();

    public RpcMethods(
        final Genesis genesis, final ChainView view, final ConsensusView consensus, final IngressPipeline ingress,
        final Subscriptions subscriptions)
    {
        this.genesis = genesis;
        this.view = view;
        this.consensus = consensus;
        this.ingress = ingress;
        this.decoder = new TxDecoder(genesis.chainId);
        this.subscriptions = subscriptions;
    }

    /**
     * Adds counters that {@code seq_status} reports next to the consensus's, such as the binary client ingress's
     * ({@code client.*}) or the transport thread's duty cycles ({@code transport.cycle*}).
     */
    public RpcMethods statusCounters(final java.util.function.Supplier<java.util.Map<String, Long>> counters)
    {
        statusCounters.add(counters);
        return this;
    }

    /**
     * Runs one method. Synchronous methods return a completed future; a failed future carries an
     * {@link RpcException}.
     */
    public CompletableFuture<JsonNode> call(
        final String method, final JsonNode params, final Subscriptions.Session session, final RequestBudget budget)
    {
        try
        {
            switch (method)
            {
                case "eth_sendRawTransaction":
                    return sendRawTransaction(params);
                case "citrea_subscribe":
                    return CompletableFuture.completedFuture(subscribe(params, session));
                case "citrea_unsubscribe":
                    return CompletableFuture.completedFuture(unsubscribe(params, session));
                default:
                    return CompletableFuture.completedFuture(sync(method, params, budget));
            }
        }
        catch (final RpcException e)
        {
            return CompletableFuture.failedFuture(e);
        }
        catch (final IllegalArgumentException e)
        {
            return CompletableFuture.failedFuture(new RpcException(RpcException.INVALID_PARAMS, "invalid params: " + e.getMessage()));
        }
        catch (final RuntimeException e)
        {
            return CompletableFuture.failedFuture(new RpcException(RpcException.INTERNAL_ERROR, "internal error: " + e));
        }
    }

    private JsonNode sync(final String method, final JsonNode params, final RequestBudget budget) throws RpcException
    {
        switch (method)
        {
            case "eth_chainId":
                return TextNode.valueOf(Hex.quantity(genesis.chainId));
            case "net_version":
                return TextNode.valueOf(Long.toString(genesis.chainId));
            case "eth_blockNumber":
            case "ledger_getHeadL2BlockHeight":
                return TextNode.valueOf(Hex.quantity(view.headHeight()));
            case "eth_getTransactionCount":
            {
                final Address address = address(params, 0);
                final String tag = optionalTag(params, 1);
                return TextNode.valueOf(Hex.quantity(
                    "pending".equals(tag) ? view.pendingNonce(address) : view.account(address).nonce()));
            }
            case "eth_getBalance":
            {
                final Address address = address(params, 0);
                optionalTag(params, 1);
                return TextNode.valueOf(Hex.quantity(view.account(address).balance()));
            }
            case "eth_getTransactionByHash":
                return transactionByHash(hash(params, 0));
            case "eth_getBlockByNumber":
                budget.takeBlocks(1);
                return ethBlock(blockByTag(params, 0));
            case "ledger_getL2BlockByNumber":
                budget.takeBlocks(1);
                return l2Block(view.block(height(params, 0)));
            case "ledger_getL2BlockByHash":
                budget.takeBlocks(1);
                return l2Block(view.block(hash(params, 0)));
            case "ledger_getHeadL2Block":
                budget.takeBlocks(1);
                return l2Block(view.head());
            case "ledger_getL2BlockRange":
            {
                final long from = height(params, 0);
                final long to = height(params, 1);
                if (to < from || to - from >= MAX_RANGE)
                {
                    throw RpcException.params("range must satisfy from <= to and span at most " + MAX_RANGE + " blocks");
                }
                budget.takeBlocks((int)(to - from + 1));
                final ArrayNode out = F.arrayNode();
                for (final L2Block b : view.range(from, to))
                {
                    out.add(l2Block(b));
                }
                return out;
            }
            case "seq_status":
            {
                final com.fasterxml.jackson.databind.node.ObjectNode status = ConsensusJson.status(consensus);
                if (!statusCounters.isEmpty())
                {
                    final com.fasterxml.jackson.databind.node.ObjectNode counters =
                        (com.fasterxml.jackson.databind.node.ObjectNode)status.get("counters");
                    statusCounters.forEach(c -> c.get().forEach(counters::put));
                }
                return status;
            }
            case "seq_getCertificate":
            {
                budget.takeBlocks(1);
                final JsonNode proof = proof(height(params, 0));
                return proof == null ? F.nullNode() : proof;
            }
            case "seq_getEvidence":
            {
                final long fromSeq = height(params, 0);
                final int limit = optionalLimit(params, 1);
                final ArrayNode out = F.arrayNode();
                for (final EvidenceRecord record : consensus.evidence(fromSeq, limit))
                {
                    out.add(ConsensusJson.evidence(record));
                }
                return out;
            }
            case "seq_members":
            {
                final ArrayNode out = F.arrayNode();
                for (final Genesis.Member m : genesis.members)
                {
                    final ObjectNode o = out.addObject();
                    o.put("index", m.index);
                    o.put("address", m.address);
                    o.put("publicKey", m.publicKey);
                    o.put("stake", m.stake);
                }
                return out;
            }
            default:
                throw new RpcException(RpcException.METHOD_NOT_FOUND, "the method " + method + " does not exist/is not available");
        }
    }

    private CompletableFuture<JsonNode> sendRawTransaction(final JsonNode params) throws RpcException
    {
        final byte[] raw;
        try
        {
            raw = Hex.decode(text(params, 0));
        }
        catch (final IllegalArgumentException e)
        {
            throw RpcException.params("invalid raw transaction hex: " + e.getMessage());
        }
        if (raw.length > ChainConstants.MAX_TX_SIZE)
        {
            // Refuse before it takes a ring slot.
            throw new RpcException(RpcException.TX_REJECTED, TxRejection.OVERSIZED.message());
        }
        final CompletableFuture<JsonNode> result = new CompletableFuture<>();
        final boolean published = ingress.submit(raw, new IngressCallback()
        {
            @Override
            public void onAdmitted(final EthTransaction tx)
            {
                result.complete(TextNode.valueOf(Hex.encode(tx.hash())));
            }

            @Override
            public void onRejected(final TxRejection reason, final String detail)
            {
                final String message = reason.message(detail);
                result.completeExceptionally(new RpcException(
                    reason == TxRejection.OVERLOADED ? RpcException.OVERLOADED : RpcException.TX_REJECTED, message));
            }
        });
        if (!published)
        {
            result.completeExceptionally(new RpcException(RpcException.OVERLOADED, TxRejection.OVERLOADED.message()));
        }
        return result;
    }

    private JsonNode subscribe(final JsonNode params, final Subscriptions.Session session) throws RpcException
    {
        if (session == null)
        {
            throw new RpcException(RpcException.METHOD_NOT_FOUND, "citrea_subscribe needs a WebSocket connection");
        }
        final String topic = text(params, 0);
        if (!"newL2Blocks".equals(topic))
        {
            throw RpcException.params("unknown subscription topic " + topic + " (supported: newL2Blocks)");
        }
        return TextNode.valueOf(subscriptions.subscribe(session));
    }

    private JsonNode unsubscribe(final JsonNode params, final Subscriptions.Session session) throws RpcException
    {
        if (session == null)
        {
            throw new RpcException(RpcException.METHOD_NOT_FOUND, "citrea_unsubscribe needs a WebSocket connection");
        }
        return F.booleanNode(subscriptions.unsubscribe(session, text(params, 0)));
    }

    /** Citrea's block JSON with the block's finality proof added as {@code certificate} (null if none yet). */
    private JsonNode l2Block(final L2Block block)
    {
        if (block == null)
        {
            return F.nullNode();
        }
        final ObjectNode out = BlockJson.l2Block(block);
        final JsonNode proof = proof(block.header().height());
        out.set("certificate", proof == null ? F.nullNode() : proof);
        return out;
    }

    private JsonNode proof(final long height)
    {
        final FinalizedBlock finalized = consensus.finalized(height);
        return finalized == null ? null : ConsensusJson.proof(finalized, view);
    }

    private static int optionalLimit(final JsonNode params, final int i) throws RpcException
    {
        if (params == null || !params.isArray() || params.size() <= i || params.get(i).isNull())
        {
            return ConsensusView.MAX_EVIDENCE_PER_CALL;
        }
        final JsonNode node = params.get(i);
        if (!node.isIntegralNumber() || node.asLong() < 1 || node.asLong() > ConsensusView.MAX_EVIDENCE_PER_CALL)
        {
            throw RpcException.params("limit must be an integer in [1, " + ConsensusView.MAX_EVIDENCE_PER_CALL + "]");
        }
        return node.asInt();
    }

    private JsonNode transactionByHash(final byte[] hash) throws RpcException
    {
        final ChainView.FinalizedTx finalized = view.finalizedTx(hash);
        if (finalized != null)
        {
            final L2Block block = finalized.block();
            final int index = finalized.index();
            try
            {
                final EthTransaction tx = decoder.decodeTrusted(block.rawTx(index), block.sender(index));
                return txJson(tx, block, index);
            }
            catch (final TxDecodeException e)
            {
                throw new RpcException(RpcException.INTERNAL_ERROR, "stored transaction does not decode: " + e.getMessage());
            }
        }
        final EthTransaction pending = view.pendingTx(hash);
        return pending == null ? F.nullNode() : txJson(pending, null, -1);
    }

    static ObjectNode txJson(final EthTransaction tx, final L2Block block, final int index)
    {
        final ObjectNode o = F.objectNode();
        o.put("hash", Hex.encode(tx.hash()));
        o.put("type", Hex.quantity(tx.type()));
        o.put("chainId", Hex.quantity(tx.chainId()));
        o.put("nonce", Hex.quantity(tx.nonce()));
        o.put("from", tx.sender().toHex());
        o.put("to", tx.to() == null ? null : tx.to().toHex());
        o.put("value", Hex.quantity(tx.value()));
        o.put("gas", Hex.quantity(tx.gasLimit()));
        o.put("input", Hex.encode(tx.data()));
        TxSignatureJson.put(o, tx);
        if (tx.type() == EthTransaction.TYPE_DYNAMIC_FEE)
        {
            o.put("maxFeePerGas", Hex.quantity(tx.maxFeePerGas()));
            o.put("maxPriorityFeePerGas", Hex.quantity(tx.maxPriorityFeePerGas()));
        }
        if (block != null)
        {
            o.put("blockHash", Hex.encode(block.hash()));
            o.put("blockNumber", Hex.quantity(block.header().height()));
            o.put("transactionIndex", Hex.quantity(index));
            o.put("gasPrice", Hex.quantity(tx.effectiveGasPrice(block.baseFee())));
        }
        else
        {
            o.putNull("blockHash");
            o.putNull("blockNumber");
            o.putNull("transactionIndex");
            o.put("gasPrice", Hex.quantity(tx.maxFeePerGas()));
        }
        return o;
    }

    private JsonNode ethBlock(final L2Block block) throws RpcException
    {
        if (block == null)
        {
            return F.nullNode();
        }
        final ObjectNode o = F.objectNode();
        o.put("number", Hex.quantity(block.header().height()));
        o.put("hash", Hex.encode(block.hash()));
        o.put("parentHash", Hex.encode(block.header().prevHash()));
        o.put("stateRoot", Hex.encode(block.header().stateRoot()));
        o.put("transactionsRoot", Hex.encode(block.header().txMerkleRoot()));
        o.put("timestamp", Hex.quantity(block.header().timestamp()));
        o.put("gasLimit", Hex.quantity(ChainConstants.BLOCK_GAS_LIMIT));
        o.put("gasUsed", Hex.quantity(block.gasUsed()));
        o.put("baseFeePerGas", Hex.quantity(block.baseFee()));
        final ArrayNode txs = o.putArray("transactions");
        for (int i = 0; i < block.txCount(); i++)
        {
            txs.add(Hex.encode(dev.seqnet.chain.crypto.Keccak256.hash(block.rawTx(i))));
        }
        return o;
    }

    private L2Block blockByTag(final JsonNode params, final int i) throws RpcException
    {
        final String tag = text(params, i);
        switch (tag)
        {
            case "latest":
            case "pending":
            case "safe":
            case "finalized":
                return view.head();
            case "earliest":
                return view.block(1);
            default:
                return view.block(parseHeight(tag));
        }
    }

    // ---- params ----

    private static JsonNode param(final JsonNode params, final int i) throws RpcException
    {
        if (params == null || !params.isArray() || params.size() <= i || params.get(i).isNull())
        {
            throw RpcException.params("missing value for required argument " + i);
        }
        return params.get(i);
    }

    private static String text(final JsonNode params, final int i) throws RpcException
    {
        final JsonNode node = param(params, i);
        if (!node.isTextual())
        {
            throw RpcException.params("argument " + i + " must be a string");
        }
        return node.asText();
    }

    private static String optionalTag(final JsonNode params, final int i) throws RpcException
    {
        if (params == null || !params.isArray() || params.size() <= i || params.get(i).isNull())
        {
            return "latest";
        }
        final String tag = text(params, i);
        switch (tag)
        {
            case "latest":
            case "pending":
            case "safe":
            case "finalized":
                return tag;
            default:
                throw RpcException.params("only the latest state is kept: use latest, pending, safe or finalized");
        }
    }

    private static Address address(final JsonNode params, final int i) throws RpcException
    {
        try
        {
            return Address.fromHex(text(params, i));
        }
        catch (final IllegalArgumentException e)
        {
            throw RpcException.params("invalid address: " + e.getMessage());
        }
    }

    private static byte[] hash(final JsonNode params, final int i) throws RpcException
    {
        final byte[] hash;
        try
        {
            hash = Hex.decode(text(params, i));
        }
        catch (final IllegalArgumentException e)
        {
            throw RpcException.params("invalid hash: " + e.getMessage());
        }
        if (hash.length != 32)
        {
            throw RpcException.params("hash must be 32 bytes");
        }
        return hash;
    }

    private static long height(final JsonNode params, final int i) throws RpcException
    {
        final JsonNode node = param(params, i);
        if (node.isIntegralNumber() && node.canConvertToLong() && node.asLong() >= 0)
        {
            return node.asLong();
        }
        if (node.isTextual())
        {
            return parseHeight(node.asText());
        }
        throw RpcException.params("argument " + i + " must be a block number");
    }

    private static long parseHeight(final String text) throws RpcException
    {
        if (text.length() > MAX_QUANTITY_CHARS + (text.startsWith("0x") ? 0 : 1))
        {
            throw RpcException.params("block number too long: at most 16 hex or 19 decimal digits");
        }
        try
        {
            final java.math.BigInteger value = Hex.parseQuantity(text);
            if (value.signum() < 0 || value.bitLength() > 63)
            {
                throw RpcException.params("block number out of range: " + text);
            }
            return value.longValue();
        }
        catch (final NumberFormatException e)
        {
            throw RpcException.params("invalid block number: " + text);
        }
    }
}
