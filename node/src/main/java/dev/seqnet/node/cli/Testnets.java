package dev.seqnet.node.cli;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.Hex;
import dev.seqnet.node.config.DevAccounts;
import dev.seqnet.node.config.Genesis;
import dev.seqnet.node.config.KeyFile;

import java.math.BigInteger;
import java.util.List;

/** Builds development genesis files: members from key files, dev accounts funded with 10,000 ETH each. */
final class Testnets
{
    static final BigInteger DEV_BALANCE = new BigInteger("10000000000000000000000");

    private Testnets()
    {
    }

    static Genesis genesis(final long chainId, final List<KeyFile> keys, final List<String> fund)
    {
        final Genesis g = new Genesis();
        g.chainId = chainId;
        g.timestamp = System.currentTimeMillis() / 1000;
        for (int i = 0; i < keys.size(); i++)
        {
            g.members.add(new Genesis.Member(i, keys.get(i).address, keys.get(i).publicKey, "1"));
        }
        for (int i = 0; i < DevAccounts.COUNT; i++)
        {
            g.alloc.put(DevAccounts.address(i).toHex(), DEV_BALANCE.toString());
        }
        for (final String entry : fund)
        {
            final int eq = entry.indexOf('=');
            if (eq < 0)
            {
                throw new IllegalArgumentException("--fund takes ADDRESS=WEI, got " + entry);
            }
            final Address address = Address.fromHex(entry.substring(0, eq));
            final BigInteger wei = Hex.parseQuantity(entry.substring(eq + 1));
            g.alloc.merge(address.toHex(), wei.toString(), (a, b) -> new BigInteger(a).add(new BigInteger(b)).toString());
        }
        g.validate();
        return g;
    }
}
