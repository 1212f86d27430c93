package dev.seqnet.consensus.sim;

import dev.seqnet.chain.Hash32;
import dev.seqnet.chain.crypto.Sha256;
import dev.seqnet.consensus.MemberSet;
import dev.seqnet.consensus.core.Verdict;
import dev.seqnet.consensus.message.BlockCandidate;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The deterministic application the simulated hosts execute: accounts with nonces, blocks whose
 * hash is SHA-256 over every candidate field, and a state root over the nonces. It is a
 * content-addressed store shared by all hosts (a block's content is a pure function of its hash),
 * so "does member m know block b" is tracked by the host, not here. It answers V5–V7 for a
 * candidate: hash recomputes, header signature, parent state known and valid, height, nonces
 * contiguous, state and tx roots, gas.
 */
final class ModelApp
{
    static final int ACCOUNTS = 8;
    static final long GAS_PER_TX = 21_000;
    static final long BASE_FEE = 1_000_000_000L;
    static final long L1_FEE_HI = 0;
    static final long L1_FEE_LO = 7;

    /** How a Byzantine builder breaks a block. */
    enum Flaw
    {
        BAD_HASH, BAD_HEADER_SIGNATURE, BAD_STATE_ROOT, NONCE_GAP, REPLAYED_TX, WRONG_HEIGHT, UNKNOWN_TX, BAD_GAS
    }

    private final MemberSet members;
    private final Map<Hash32, ModelTx> txs = new HashMap<>();
    private final Map<Hash32, BlockCandidate> blocks = new HashMap<>();
    private final Map<Hash32, long[]> stateAfter = new HashMap<>();
    private final Map<Hash32, Verdict> verdicts = new HashMap<>();

    ModelApp(final MemberSet members)
    {
        this.members = members;
    }

    /** Makes a transaction resolvable by id (the TxStore/TxRequest of §9, which always finds it here). */
    void register(final ModelTx tx)
    {
        txs.put(tx.id(), tx);
    }

    ModelTx tx(final Hash32 id)
    {
        return txs.get(id);
    }

    BlockCandidate block(final Hash32 hash)
    {
        return hash.isZero() ? null : blocks.get(hash);
    }

    /** Registers a candidate someone built or received (content-addressed by its claimed hash). */
    void store(final BlockCandidate c)
    {
        blocks.putIfAbsent(c.blockHash(), c);
    }

    /** The hash the header fields give: SHA-256 over every field of the candidate but the signature. */
    static Hash32 computeHash(
        final Hash32 parentHash, final long height, final long timestamp, final long gasUsed, final long baseFee,
        final Hash32 stateRoot, final Hash32 txRoot, final List<Hash32> txIds)
    {
        final ByteBuffer b = ByteBuffer.allocate(32 + 8 * 6 + 32 + 32 + 4 + 32 * txIds.size());
        b.put(parentHash.unsafeBytes()).putLong(height).putLong(timestamp).putLong(L1_FEE_HI).putLong(L1_FEE_LO)
            .putLong(gasUsed).putLong(baseFee).put(stateRoot.unsafeBytes()).put(txRoot.unsafeBytes())
            .putInt(txIds.size());
        for (final Hash32 id : txIds)
        {
            b.put(id.unsafeBytes());
        }
        return Hash32.wrap(Sha256.hash(b.array()));
    }

    static Hash32 stateRoot(final long[] nonces)
    {
        final ByteBuffer b = ByteBuffer.allocate(8 * nonces.length);
        for (final long n : nonces)
        {
            b.putLong(n);
        }
        return Hash32.wrap(Sha256.hash(b.array()));
    }

    static Hash32 txRoot(final List<Hash32> ids)
    {
        final ByteBuffer b = ByteBuffer.allocate(1 + 32 * ids.size()).put((byte)'m');
        for (final Hash32 id : ids)
        {
            b.put(id.unsafeBytes());
        }
        return Hash32.wrap(Sha256.hash(b.array()));
    }

    /** The nonces after {@code hash} (genesis: all zero), or null when unknown or invalid. */
    long[] state(final Hash32 hash)
    {
        if (hash.isZero())
        {
            return new long[ACCOUNTS];
        }
        final long[] known = stateAfter.get(hash);
        if (known != null)
        {
            return known.clone();
        }
        final BlockCandidate c = blocks.get(hash);
        if (c == null || verify(c, proposerOf(c)) != Verdict.VALID)
        {
            return null;
        }
        return stateAfter.get(hash).clone();
    }

    private final Map<Hash32, Integer> proposers = new HashMap<>();

    private int proposerOf(final BlockCandidate c)
    {
        final Integer p = proposers.get(c.blockHash());
        return p == null ? -1 : p;
    }

    /** Records who signed the header of {@code c} (the leader whose key must verify it). */
    void proposer(final Hash32 hash, final int member)
    {
        proposers.putIfAbsent(hash, member);
    }

    /** Height of a stored block (0 for genesis), or −1. */
    long height(final Hash32 hash)
    {
        if (hash.isZero())
        {
            return 0;
        }
        final BlockCandidate c = blocks.get(hash);
        return c == null ? -1 : c.height();
    }

    /**
     * V5–V7 for {@code c} proposed by {@code leader}: VALID, INVALID (proven bad) or UNAVAILABLE
     * (parent or a transaction unknown). Memoized per block hash once decided.
     */
    Verdict verify(final BlockCandidate c, final int leader)
    {
        final boolean canonical = blocks.get(c.blockHash()) == c && leader == proposerOf(c);
        if (!canonical)
        {
            return decide(c, leader, false);
        }
        final Verdict memo = verdicts.get(c.blockHash());
        if (memo != null)
        {
            return memo;
        }
        final Verdict v = decide(c, leader, true);
        if (v != Verdict.UNAVAILABLE)
        {
            verdicts.put(c.blockHash(), v);
        }
        return v;
    }

    private Verdict decide(final BlockCandidate c, final int leader, final boolean canonical)
    {
        if (!computeHash(c.parentHash(), c.height(), c.timestamp(), c.gasUsed(), c.baseFee(), c.stateRoot(),
            c.txMerkleRoot(), c.txHashes()).equals(c.blockHash()) || c.l1FeeRateHi() != L1_FEE_HI ||
            c.l1FeeRateLo() != L1_FEE_LO)
        {
            return Verdict.INVALID;
        }
        if (leader < 0 || leader >= members.size() ||
            !SimCrypto.verify(c.headerSignature(), c.blockHash().unsafeBytes(), members.member(leader).publicKey()))
        {
            return Verdict.INVALID;
        }
        final long parentHeight = height(c.parentHash());
        if (parentHeight < 0)
        {
            return Verdict.UNAVAILABLE;
        }
        final long[] nonces = state(c.parentHash());
        if (nonces == null)
        {
            final BlockCandidate parent = blocks.get(c.parentHash());
            return verify(parent, proposerOf(parent)) == Verdict.UNAVAILABLE ? Verdict.UNAVAILABLE : Verdict.INVALID;
        }
        if (c.height() != parentHeight + 1 || c.baseFee() != BASE_FEE || c.gasUsed() != GAS_PER_TX * c.txHashes().size())
        {
            return Verdict.INVALID;
        }
        final List<ModelTx> list = new ArrayList<>();
        for (final Hash32 id : c.txHashes())
        {
            final ModelTx tx = txs.get(id);
            if (tx == null)
            {
                return Verdict.UNAVAILABLE;
            }
            list.add(tx);
        }
        for (final ModelTx tx : list)
        {
            if (tx.sender() < 0 || tx.sender() >= ACCOUNTS || nonces[tx.sender()] != tx.nonce())
            {
                return Verdict.INVALID;
            }
            nonces[tx.sender()]++;
        }
        if (!stateRoot(nonces).equals(c.stateRoot()) || !txRoot(c.txHashes()).equals(c.txMerkleRoot()))
        {
            return Verdict.INVALID;
        }
        if (canonical)
        {
            stateAfter.put(c.blockHash(), nonces);
        }
        return Verdict.VALID;
    }

    /**
     * Builds a valid block on {@code parentHash} from {@code pool}: per account, the transactions with
     * contiguous nonces from the parent's state (lowest id on a double spend), at most
     * {@code maxTxs}; or null when the parent state is unknown or invalid.
     */
    BlockCandidate build(
        final Hash32 parentHash, final long height, final Collection<ModelTx> pool, final int proposer,
        final long timestamp, final int maxTxs)
    {
        final long[] nonces = state(parentHash);
        if (nonces == null || height != height(parentHash) + 1)
        {
            return null;
        }
        final List<Hash32> ids = new ArrayList<>();
        for (final ModelTx tx : pool)
        {
            if (ids.size() >= maxTxs)
            {
                break;
            }
            if (tx.sender() >= 0 && tx.sender() < ACCOUNTS && tx.nonce() == nonces[tx.sender()])
            {
                ids.add(tx.id());
                nonces[tx.sender()]++;
            }
        }
        return seal(parentHash, height, timestamp, ids, stateRoot(nonces), proposer, null);
    }

    /** A block broken in one way {@code flaw}, proposed by {@code proposer} (a Byzantine builder). */
    BlockCandidate buildFlawed(
        final Hash32 parentHash, final long height, final Collection<ModelTx> pool, final int proposer,
        final long timestamp, final Flaw flaw, final long salt)
    {
        final BlockCandidate good = build(parentHash, height, pool, proposer, timestamp, 16);
        final long[] nonces = state(parentHash);
        if (good == null || nonces == null)
        {
            return null;
        }
        final List<Hash32> ids = new ArrayList<>(good.txHashes());
        long h = height;
        Hash32 root = good.stateRoot();
        switch (flaw)
        {
            case NONCE_GAP:
            {
                final ModelTx tx = ModelTx.of((int)(salt & 7), nonces[(int)(salt & 7)] + 5, 0);
                register(tx);
                ids.add(tx.id());
                break;
            }
            case REPLAYED_TX:
            {
                final int a = (int)(salt & 7);
                if (nonces[a] == 0)
                {
                    final ModelTx tx = ModelTx.of(a, 3, 0);
                    register(tx);
                    ids.add(tx.id());
                }
                else
                {
                    ids.add(ModelTx.of(a, nonces[a] - 1, 0).id());
                    register(ModelTx.of(a, nonces[a] - 1, 0));
                }
                break;
            }
            case UNKNOWN_TX:
                ids.add(Hash32.wrap(Sha256.hash(ByteBuffer.allocate(8).putLong(salt).array())));
                break;
            case WRONG_HEIGHT:
                h = height + 1;
                break;
            case BAD_STATE_ROOT:
                root = Hash32.wrap(Sha256.hash(root.bytes()));
                break;
            default:
                break;
        }
        final long gas = flaw == Flaw.BAD_GAS ? GAS_PER_TX * ids.size() + 1 : GAS_PER_TX * ids.size();
        if (flaw == Flaw.NONCE_GAP || flaw == Flaw.REPLAYED_TX || flaw == Flaw.UNKNOWN_TX || flaw == Flaw.BAD_GAS ||
            flaw == Flaw.WRONG_HEIGHT || flaw == Flaw.BAD_STATE_ROOT)
        {
            return seal(parentHash, h, timestamp, ids, root, proposer, gas);
        }
        final Hash32 txr = txRoot(ids);
        final Hash32 hash = flaw == Flaw.BAD_HASH ?
            Hash32.wrap(Sha256.hash(ByteBuffer.allocate(16).putLong(salt).putLong(timestamp).array())) :
            computeHash(parentHash, h, timestamp, gas, BASE_FEE, root, txr, ids);
        final byte[] sig = flaw == Flaw.BAD_HEADER_SIGNATURE ?
            SimCrypto.sign(proposer, Sha256.hash(hash.bytes())) : SimCrypto.sign(proposer, hash.bytes());
        final BlockCandidate c = new BlockCandidate(hash, parentHash, h, timestamp, L1_FEE_HI, L1_FEE_LO, gas, BASE_FEE,
            root, txr, sig, ids);
        store(c);
        proposer(hash, proposer);
        return c;
    }

    private BlockCandidate seal(
        final Hash32 parentHash, final long height, final long timestamp, final List<Hash32> ids, final Hash32 root,
        final int proposer, final Long gasOverride)
    {
        final long gas = gasOverride != null ? gasOverride : GAS_PER_TX * ids.size();
        final Hash32 txr = txRoot(ids);
        final Hash32 hash = computeHash(parentHash, height, timestamp, gas, BASE_FEE, root, txr, ids);
        final BlockCandidate c = new BlockCandidate(hash, parentHash, height, timestamp, L1_FEE_HI, L1_FEE_LO, gas,
            BASE_FEE, root, txr, SimCrypto.sign(proposer, hash.bytes()), ids);
        store(c);
        proposer(hash, proposer);
        return c;
    }

    /** For tests: the stored nonces after a valid block. */
    long[] nonces(final Hash32 hash)
    {
        final long[] s = state(hash);
        return s == null ? null : Arrays.copyOf(s, s.length);
    }
}
