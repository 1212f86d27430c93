package dev.seqnet.node.config;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.Hex;
import dev.seqnet.chain.crypto.Sha256;
import dev.seqnet.consensus.MemberSet;
import dev.seqnet.consensus.Quorums;
import dev.seqnet.consensus.SigningDomain;
import dev.seqnet.consensus.message.BlockCandidate;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The network's genesis file: chain id, the sequencer member set (the permissioned allowlist, with
 * stake), the settings every member must share (l1_fee_rate, block.max_transactions,
 * consensus.fast_path_slack) and the initial balances. Every member must load byte-identical content: the SHA-256 of the file's bytes
 * is the genesis hash every consensus signature is bound to (PROTOCOL.md §1.1, §3.2).
 */
public final class Genesis
{
    public long chainId = 5115;
    /** Unix seconds of the chain's start: the first block's timestamp is never below it. */
    public long timestamp = 0;
    /** Receives the priority fees (tips); base fees are burned. */
    public String feeRecipient = "0x0000000000000000000000000000000000000000";
    /**
     * The u128 l1_fee_rate every header carries, as a decimal string (no Bitcoin client here). It is in
     * genesis, not node.json, because members re-check each other's headers (PROTOCOL.md §4.5 V5).
     */
    public String l1FeeRate = "1";
    public Block block = new Block();
    public Consensus consensus = new Consensus();
    public List<Member> members = new ArrayList<>();
    /** address → balance in wei, decimal or 0x-hex string. */
    public Map<String, String> alloc = new LinkedHashMap<>();

    /** One sequencer: its index in the member set, address, compressed public key and stake. */
    public static final class Member
    {
        public int index;
        public String address;
        public String publicKey;
        public String stake = "1";

        public Member()
        {
        }

        public Member(final int index, final String address, final String publicKey, final String stake)
        {
            this.index = index;
            this.address = address;
            this.publicKey = publicKey;
            this.stake = stake;
        }
    }

    /**
     * Block limits every member enforces on every proposal it verifies (PROTOCOL.md §4.5 V6), so they are
     * the network's, not a member's: a member configured lower than a leader would refuse that leader's
     * valid blocks and nullify its views.
     */
    public static final class Block
    {
        /**
         * Most transactions one block may carry, 1 to {@link #MAX_TRANSACTIONS_LIMIT}. It bounds the work a block
         * puts on every member's consensus thread within one view (build, verify, deliver), which must fit the
         * leader timeout; the gas limit alone allows ~476 transfers (docs/PERFORMANCE.md, "A backlog").
         */
        public int maxTransactions = DEFAULT_MAX_TRANSACTIONS;
    }

    /** Default {@code block.max_transactions}: measured on 4 members sharing 2 cores (docs/PERFORMANCE.md). */
    public static final int DEFAULT_MAX_TRANSACTIONS = 128;

    /** Highest {@code block.max_transactions}: the most transaction hashes a {@code Proposal} carries (§3.6). */
    public static final int MAX_TRANSACTIONS_LIMIT = BlockCandidate.MAX_TX_HASHES;

    /** Consensus settings that must be identical at every member. */
    public static final class Consensus
    {
        /**
         * p in stake units (PROTOCOL.md §1.1): a JSON integer ≥ 0, or {@code "auto"} (p chosen so that
         * f is as large as possible). Default 0: the fast path needs every member, f is maximal.
         */
        public Object fastPathSlack = 0;
    }

    /** SHA-256 of the bytes this genesis was loaded from or saved as; null for one built in memory. */
    private transient byte[] fileHash;

    /** Loads and validates a genesis file, remembering the SHA-256 of its exact bytes. */
    public static Genesis load(final Path file) throws IOException
    {
        final byte[] bytes = Files.readAllBytes(file);
        final Genesis genesis = NodeConfig.mapper().readValue(bytes, Genesis.class);
        genesis.fileHash = Sha256.hash(bytes);
        genesis.validate();
        return genesis;
    }

    /** Writes the file; this object's genesis hash becomes that of the bytes written. */
    public void save(final Path file) throws IOException
    {
        Files.createDirectories(file.toAbsolutePath().getParent());
        final byte[] bytes = NodeConfig.mapper().writeValueAsBytes(this);
        Files.write(file, bytes);
        fileHash = Sha256.hash(bytes);
    }

    /**
     * genesisHash: SHA-256 of the genesis file bytes (a copy).
     *
     * @throws IllegalStateException for a genesis neither loaded from nor saved to a file.
     */
    public byte[] genesisHash()
    {
        if (fileHash == null)
        {
            throw new IllegalStateException("genesis hash unknown: this genesis was not loaded from or saved to a file");
        }
        return fileHash.clone();
    }

    /** The domain every consensus signature of this network is bound to: chain id and genesis hash. */
    public SigningDomain signingDomain()
    {
        return new SigningDomain(chainId, genesisHash());
    }

    /** {@code l1_fee_rate} as a number. */
    public BigInteger l1FeeRateValue()
    {
        return new BigInteger(l1FeeRate);
    }

    /** {@code consensus.fast_path_slack} in stake units, or {@link Quorums#AUTO_SLACK} for {@code "auto"}. */
    public long fastPathSlack()
    {
        final Object slack = consensus == null ? null : consensus.fastPathSlack;
        if ("auto".equals(slack))
        {
            return Quorums.AUTO_SLACK;
        }
        if (slack instanceof Integer || slack instanceof Long)
        {
            final long p = ((Number)slack).longValue();
            if (p >= 0)
            {
                return p;
            }
        }
        throw new IllegalArgumentException("genesis consensus.fast_path_slack must be an integer >= 0 or \"auto\": " + slack);
    }

    /**
     * The member set with stakes, quorums and leader schedule.
     *
     * @throws IllegalArgumentException for keys off the curve, duplicate keys, stakes not below 2^62
     *                                  in total, or a slack that leaves f < 0.
     */
    public MemberSet memberSet()
    {
        final List<dev.seqnet.consensus.Member> out = new ArrayList<>(members.size());
        for (int i = 0; i < members.size(); i++)
        {
            final BigInteger stake = new BigInteger(members.get(i).stake);
            if (stake.bitLength() > 62)
            {
                throw new IllegalArgumentException("genesis member " + i + ": stake must be below 2^62");
            }
            out.add(new dev.seqnet.consensus.Member(Hex.decode(members.get(i).publicKey), stake.longValue()));
        }
        return new MemberSet(out, fastPathSlack());
    }

    /** @throws IllegalArgumentException naming the first bad entry. */
    public void validate()
    {
        if (chainId <= 0)
        {
            throw new IllegalArgumentException("genesis chain_id must be positive");
        }
        if (members.isEmpty())
        {
            throw new IllegalArgumentException("genesis has no members");
        }
        for (int i = 0; i < members.size(); i++)
        {
            final Member m = members.get(i);
            if (m.index != i)
            {
                throw new IllegalArgumentException("genesis member " + i + " has index " + m.index);
            }
            Address.fromHex(m.address);
            if (Hex.decode(m.publicKey).length != 33)
            {
                throw new IllegalArgumentException("genesis member " + i + ": public_key must be 33-byte compressed");
            }
            if (new BigInteger(m.stake).signum() <= 0)
            {
                throw new IllegalArgumentException("genesis member " + i + ": stake must be positive");
            }
        }
        final MemberSet set = memberSet();
        for (int i = 0; i < members.size(); i++)
        {
            if (!set.member(i).address().equals(Address.fromHex(members.get(i).address)))
            {
                throw new IllegalArgumentException("genesis member " + i + ": address does not match public_key");
            }
        }
        final BigInteger feeRate;
        try
        {
            feeRate = l1FeeRateValue();
        }
        catch (final NumberFormatException | NullPointerException e)
        {
            throw new IllegalArgumentException("genesis l1_fee_rate must be a decimal u128: " + l1FeeRate);
        }
        if (feeRate.signum() < 0 || feeRate.bitLength() > 128)
        {
            throw new IllegalArgumentException("genesis l1_fee_rate must fit a u128: " + l1FeeRate);
        }
        if (block == null || block.maxTransactions < 1 || block.maxTransactions > MAX_TRANSACTIONS_LIMIT)
        {
            throw new IllegalArgumentException("genesis block.max_transactions must be in [1, " + MAX_TRANSACTIONS_LIMIT +
                "] (the most transaction hashes a proposal carries): " + (block == null ? null : block.maxTransactions));
        }
        allocations();
        Address.fromHex(feeRecipient);
    }

    /** {@code block.max_transactions}: the most transactions a valid block carries. */
    public int maxBlockTransactions()
    {
        return block.maxTransactions;
    }

    /** The allocations parsed, sorted by address (so iteration order never depends on the file). */
    public Map<Address, BigInteger> allocations()
    {
        final Map<Address, BigInteger> out = new TreeMap<>();
        for (final Map.Entry<String, String> e : alloc.entrySet())
        {
            final BigInteger wei = Hex.parseQuantity(e.getValue());
            if (wei.signum() < 0 || wei.bitLength() > 256)
            {
                throw new IllegalArgumentException("genesis alloc for " + e.getKey() + " out of u256 range");
            }
            out.merge(Address.fromHex(e.getKey()), wei, BigInteger::add);
        }
        return out;
    }

    public Address feeRecipientAddress()
    {
        return Address.fromHex(feeRecipient);
    }

    /** The member whose public key matches, or null when the key is not in the set. */
    public Member memberByPublicKey(final byte[] publicKey)
    {
        final String hex = Hex.encode(publicKey);
        for (final Member m : members)
        {
            if (m.publicKey.equalsIgnoreCase(hex))
            {
                return m;
            }
        }
        return null;
    }
}
