package dev.seqnet.ordering;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.tx.EthTransaction;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Test oracle: the native ledger's rules written the obvious way (maps, a slot list, the state root
 * recomputed from scratch), independent of NativeLedger's undo log and incremental tree.
 */
public final class ModelLedger
{
    private final Map<Address, Long> nonces = new HashMap<>();
    private final Map<Address, BigInteger> balances = new HashMap<>();
    private final List<Address> slots = new ArrayList<>();
    private final Address feeRecipient;
    private BigInteger supply = BigInteger.ZERO;

    public ModelLedger(final Map<Address, BigInteger> alloc, final Address feeRecipient)
    {
        this.feeRecipient = feeRecipient;
        for (final Address a : new TreeSet<>(alloc.keySet()))
        {
            slots.add(a);
            nonces.put(a, 0L);
            balances.put(a, alloc.get(a));
            supply = supply.add(alloc.get(a));
        }
    }

    /** Applies a transaction that must be valid; fails the test otherwise. */
    public void apply(final EthTransaction tx, final long baseFee)
    {
        final long nonce = nonces.getOrDefault(tx.sender(), 0L);
        if (tx.nonce() != nonce)
        {
            throw new AssertionError("model: nonce " + tx.nonce() + " != " + nonce);
        }
        if (tx.maxFeePerGas() < baseFee)
        {
            throw new AssertionError("model: fee cap below base fee");
        }
        final BigInteger base = BigInteger.valueOf(baseFee);
        final BigInteger tip = BigInteger.valueOf(Math.min(tx.maxPriorityFeePerGas(), tx.maxFeePerGas() - baseFee));
        final BigInteger price = base.add(tip);
        final BigInteger gas = BigInteger.valueOf(tx.intrinsicGas());
        final BigInteger upfront = BigInteger.valueOf(tx.gasLimit()).multiply(price).add(tx.value());
        if (balance(tx.sender()).compareTo(upfront) < 0)
        {
            throw new AssertionError("model: insufficient funds");
        }
        touch(tx.sender());
        nonces.put(tx.sender(), nonce + 1);
        balances.put(tx.sender(), balance(tx.sender()).subtract(tx.value()).subtract(gas.multiply(price)));
        touch(tx.to());
        balances.put(tx.to(), balance(tx.to()).add(tx.value()));
        touch(feeRecipient);
        balances.put(feeRecipient, balance(feeRecipient).add(gas.multiply(tip)));
        supply = supply.subtract(gas.multiply(base));
    }

    private void touch(final Address a)
    {
        if (!nonces.containsKey(a))
        {
            slots.add(a);
            nonces.put(a, 0L);
            balances.put(a, BigInteger.ZERO);
        }
    }

    public long nonce(final Address a)
    {
        return nonces.getOrDefault(a, 0L);
    }

    public BigInteger balance(final Address a)
    {
        return balances.getOrDefault(a, BigInteger.ZERO);
    }

    public BigInteger supply()
    {
        return supply;
    }

    public int accountCount()
    {
        return slots.size();
    }

    /** Sum of all balances, computed afresh. */
    public BigInteger sumOfBalances()
    {
        return balances.values().stream().reduce(BigInteger.ZERO, BigInteger::add);
    }

    public List<Address> accounts()
    {
        return slots;
    }

    /** The state root by the documented layout, from scratch. */
    public byte[] stateRoot()
    {
        final List<byte[]> leaves = new ArrayList<>();
        for (final Address a : slots)
        {
            final byte[] in = new byte[60];
            a.copyTo(in, 0);
            final long n = nonces.get(a);
            for (int i = 0; i < 8; i++)
            {
                in[20 + i] = (byte)(n >>> (56 - 8 * i));
            }
            final byte[] b = balances.get(a).toByteArray();
            final int skip = b.length > 32 ? b.length - 32 : 0;
            System.arraycopy(b, skip, in, 60 - (b.length - skip), b.length - skip);
            leaves.add(NaiveMerkle.sha256(in));
        }
        return NaiveMerkle.root(leaves);
    }
}
