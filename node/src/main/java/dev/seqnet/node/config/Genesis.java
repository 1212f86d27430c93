package dev.seqnet.node.config;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.Hex;

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
 * stake) and the initial balances. Every member must load byte-identical content.
 */
public final class Genesis
{
    public long chainId = 5115;
    /** Unix seconds of the chain's start: the first block's timestamp is never below it. */
    public long timestamp = 0;
    /** Receives the priority fees (tips); base fees are burned. */
    public String feeRecipient = "0x0000000000000000000000000000000000000000";
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

    public static Genesis load(final Path file) throws IOException
    {
        final Genesis genesis = NodeConfig.mapper().readValue(file.toFile(), Genesis.class);
        genesis.validate();
        return genesis;
    }

    public void save(final Path file) throws IOException
    {
        Files.createDirectories(file.toAbsolutePath().getParent());
        NodeConfig.mapper().writeValue(file.toFile(), this);
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
        allocations();
        Address.fromHex(feeRecipient);
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
