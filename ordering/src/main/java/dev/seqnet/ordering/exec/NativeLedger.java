package dev.seqnet.ordering.exec;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.ChainConstants;
import dev.seqnet.chain.crypto.Sha256;
import dev.seqnet.chain.tx.EthTransaction;

import java.math.BigInteger;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The native-token ledger: accounts with a nonce and a u256 balance, value transfers and EIP-1559 fee
 * accounting, executed block by block with an undo log so a block can be applied speculatively and
 * rolled back exactly.
 *
 * <h2>Transaction rules</h2>
 * A transaction applies when its gas limit covers its intrinsic gas, its nonce equals the sender's
 * nonce, {@code maxFeePerGas ≥ baseFee}, the sender's balance covers
 * {@code value + gasLimit × effectiveGasPrice}, and its gas limit fits the gas left in the block
 * ({@link ChainConstants#BLOCK_GAS_LIMIT} minus the intrinsic gas of the transactions applied
 * before it). Then, with {@code gas = intrinsicGas} and {@code price = effectiveGasPrice(baseFee)}:
 * the sender's nonce increases by one and it pays {@code value + gas × price}; the recipient receives
 * {@code value}; {@code gas × (price − baseFee)} (the tip) is credited to the fee recipient; and
 * {@code gas × baseFee} is burned, so {@link #totalSupply()} falls by exactly that.
 *
 * <h2>State root (a consensus rule)</h2>
 * <ul>
 * <li>Every account has a slot index, fixed for life. Genesis accounts take slots {@code 0..n−1} in
 * ascending unsigned order of their 20-byte address, whatever the order of the allocation map. After
 * genesis, a successful transaction touches, in this order, its sender, its recipient and the fee
 * recipient; an address touched for the first time (even with a zero amount) gets the next slot.
 * Execution order is deterministic, so slot assignment is too.</li>
 * <li>Leaf of slot {@code i} = SHA-256(address (20 bytes) ‖ nonce (8 bytes, big-endian) ‖ balance (32
 * bytes, big-endian, unsigned)).</li>
 * <li>Root = binary SHA-256 Merkle root over the leaves in slot order with rs_merkle's shape (as the
 * transaction root): parent = SHA-256(left ‖ right), a node with no right sibling is carried up
 * unchanged, a single leaf is the root.</li>
 * <li>The state with no accounts has root {@link #emptyStateRoot()} = SHA-256 of the empty string
 * ({@code e3b0c442…b855}).</li>
 * </ul>
 * The tree is kept incrementally: per block only the leaves of touched accounts and their paths are
 * rehashed.
 *
 * <p>Not thread-safe: owned by one thread. {@link #nonce}/{@link #balance}/{@link #totalSupply}/
 * {@link #accountCount} on the ledger always report committed state; the open
 * {@link BlockExecution} reports its speculative state.
 */
public final class NativeLedger implements Execution
{
    /** Largest u256: balances and the total supply never exceed it. */
    public static final BigInteger MAX_U256 = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);

    private static final byte[] EMPTY_STATE_ROOT = Sha256.newDigest().digest();
    private static final int ROOT_LENGTH = 32;
    private static final int LEAF_INPUT_LENGTH = Address.LENGTH + Long.BYTES + 32;

    private final Address feeRecipient;
    private final HashMap<Address, Account> accounts = new HashMap<>();
    private final MerkleTree tree = new MerkleTree();
    private final MessageDigest leafDigest = Sha256.newDigest();
    private final byte[] leafInput = new byte[LEAF_INPUT_LENGTH];
    private final byte[] committedRoot = new byte[ROOT_LENGTH];
    private final ArrayList<Account> touched = new ArrayList<>();

    private Account[] slots = new Account[16];
    private int slotCount;
    private int[] dirty = new int[64];
    private int dirtyCount;
    private BigInteger totalSupply = BigInteger.ZERO;
    private long lastCommittedHeight = -1;
    private long epoch;
    private Block open;

    /**
     * Creates the genesis state.
     *
     * @param alloc        genesis balances; iteration order does not matter (slots follow address order).
     * @param feeRecipient the account credited with priority tips.
     * @throws IllegalArgumentException if a balance is negative or the balances sum above 2^256 − 1.
     */
    public NativeLedger(final Map<Address, BigInteger> alloc, final Address feeRecipient)
    {
        this.feeRecipient = Objects.requireNonNull(feeRecipient, "feeRecipient");
        BigInteger supply = BigInteger.ZERO;
        for (final Map.Entry<Address, BigInteger> e : new TreeMap<>(alloc).entrySet())
        {
            final BigInteger balance = Objects.requireNonNull(e.getValue(), "genesis balance");
            if (balance.signum() < 0)
            {
                throw new IllegalArgumentException("negative genesis balance for " + e.getKey());
            }
            supply = supply.add(balance);
            final Account account = create(Objects.requireNonNull(e.getKey(), "genesis address"));
            account.balance = balance;
        }
        if (supply.compareTo(MAX_U256) > 0)
        {
            throw new IllegalArgumentException("genesis supply exceeds 2^256 - 1");
        }
        totalSupply = supply;
        flush();
        root(committedRoot);
    }

    /** The root of the state with no accounts: SHA-256 of the empty string (a copy). */
    public static byte[] emptyStateRoot()
    {
        return EMPTY_STATE_ROOT.clone();
    }

    public Address feeRecipient()
    {
        return feeRecipient;
    }

    @Override
    public long nonce(final Address account)
    {
        final Account a = accounts.get(account);
        if (a == null)
        {
            return 0;
        }
        return open != null && a.epoch == epoch ? a.savedNonce : a.nonce;
    }

    @Override
    public BigInteger balance(final Address account)
    {
        final Account a = accounts.get(account);
        if (a == null)
        {
            return BigInteger.ZERO;
        }
        return open != null && a.epoch == epoch ? a.savedBalance : a.balance;
    }

    /** Number of committed accounts (slots). */
    public int accountCount()
    {
        return open != null ? open.slotsAtBegin : slotCount;
    }

    /** Committed total of all balances: genesis supply minus every burned base fee. */
    public BigInteger totalSupply()
    {
        return open != null ? open.supplyAtBegin : totalSupply;
    }

    @Override
    public long lastCommittedHeight()
    {
        return lastCommittedHeight;
    }

    @Override
    public byte[] stateRoot()
    {
        return committedRoot.clone();
    }

    @Override
    public BlockExecution openBlock()
    {
        return open;
    }

    @Override
    public BlockExecution begin(final long height, final long baseFee)
    {
        if (open != null)
        {
            throw new IllegalStateException("block " + open.height + " is still open");
        }
        if (height <= lastCommittedHeight)
        {
            throw new IllegalArgumentException("height " + height + " not above last committed " + lastCommittedHeight);
        }
        if (baseFee < 0)
        {
            throw new IllegalArgumentException("negative base fee");
        }
        epoch++;
        touched.clear();
        open = new Block(height, baseFee, slotCount, totalSupply);
        return open;
    }

    private Account create(final Address address)
    {
        if (slotCount == slots.length)
        {
            slots = Arrays.copyOf(slots, slotCount * 2);
        }
        final Account a = new Account(address, slotCount);
        slots[slotCount++] = a;
        accounts.put(address, a);
        markDirty(a);
        return a;
    }

    /** The account at {@code address} prepared for mutation in the open block: created, saved, dirty. */
    private Account touch(final Address address)
    {
        Account a = accounts.get(address);
        if (a == null)
        {
            a = create(address);
            a.epoch = epoch;
            touched.add(a);
        }
        else if (a.epoch != epoch)
        {
            a.epoch = epoch;
            a.savedNonce = a.nonce;
            a.savedBalance = a.balance;
            touched.add(a);
        }
        markDirty(a);
        return a;
    }

    private void markDirty(final Account a)
    {
        if (!a.dirty)
        {
            a.dirty = true;
            if (dirtyCount == dirty.length)
            {
                dirty = Arrays.copyOf(dirty, dirtyCount * 2);
            }
            dirty[dirtyCount++] = a.slot;
        }
    }

    /** Rewrites dirty leaves and rehashes their paths. */
    private void flush()
    {
        tree.resize(slotCount);
        if (dirtyCount == 0)
        {
            return;
        }
        Arrays.sort(dirty, 0, dirtyCount);
        final byte[] leaves = tree.leafArray();
        for (int i = 0; i < dirtyCount; i++)
        {
            final Account a = slots[dirty[i]];
            writeLeaf(a, leaves, a.slot * ROOT_LENGTH);
            a.dirty = false;
        }
        tree.update(dirty, dirtyCount);
        dirtyCount = 0;
    }

    private void writeLeaf(final Account a, final byte[] out, final int offset)
    {
        final byte[] in = leafInput;
        a.address.copyTo(in, 0);
        long nonce = a.nonce;
        for (int i = Address.LENGTH + Long.BYTES - 1; i >= Address.LENGTH; i--)
        {
            in[i] = (byte)nonce;
            nonce >>>= 8;
        }
        final int balanceOffset = Address.LENGTH + Long.BYTES;
        Arrays.fill(in, balanceOffset, LEAF_INPUT_LENGTH, (byte)0);
        if (a.balance.signum() != 0)
        {
            final byte[] b = a.balance.toByteArray();
            final int skip = b[0] == 0 ? 1 : 0;
            final int len = b.length - skip;
            System.arraycopy(b, skip, in, LEAF_INPUT_LENGTH - len, len);
        }
        leafDigest.update(in, 0, LEAF_INPUT_LENGTH);
        try
        {
            leafDigest.digest(out, offset, ROOT_LENGTH);
        }
        catch (final DigestException e)
        {
            throw new IllegalStateException(e);
        }
    }

    private void root(final byte[] out)
    {
        if (slotCount == 0)
        {
            System.arraycopy(EMPTY_STATE_ROOT, 0, out, 0, ROOT_LENGTH);
        }
        else
        {
            tree.root(out, 0);
        }
    }

    /** {@code a × b} for non-negative longs, exact. */
    private static BigInteger multiply(final long a, final long b)
    {
        final long low = a * b;
        if (Math.multiplyHigh(a, b) == 0 && low >= 0)
        {
            return BigInteger.valueOf(low);
        }
        return BigInteger.valueOf(a).multiply(BigInteger.valueOf(b));
    }

    /** Mutable account record; its saved fields hold the committed values while its block is open. */
    private static final class Account
    {
        final Address address;
        final int slot;
        long nonce;
        BigInteger balance = BigInteger.ZERO;
        long epoch = -1;
        long savedNonce;
        BigInteger savedBalance = BigInteger.ZERO;
        boolean dirty;

        Account(final Address address, final int slot)
        {
            this.address = address;
            this.slot = slot;
        }
    }

    /** The open block: applies transactions in place, recording first touches for rollback. */
    private final class Block implements BlockExecution
    {
        final long height;
        final long baseFee;
        final int slotsAtBegin;
        final BigInteger supplyAtBegin;
        long gasUsed;
        int txCount;
        boolean flushed;
        boolean closed;

        Block(final long height, final long baseFee, final int slotsAtBegin, final BigInteger supplyAtBegin)
        {
            this.height = height;
            this.baseFee = baseFee;
            this.slotsAtBegin = slotsAtBegin;
            this.supplyAtBegin = supplyAtBegin;
        }

        @Override
        public long height()
        {
            return height;
        }

        @Override
        public long baseFee()
        {
            return baseFee;
        }

        @Override
        public long gasUsed()
        {
            return gasUsed;
        }

        @Override
        public long gasRemaining()
        {
            return ChainConstants.BLOCK_GAS_LIMIT - gasUsed;
        }

        @Override
        public int txCount()
        {
            return txCount;
        }

        @Override
        public boolean isOpen()
        {
            return !closed;
        }

        @Override
        public long nonce(final Address account)
        {
            ensureOpen();
            final Account a = accounts.get(account);
            return a == null ? 0 : a.nonce;
        }

        @Override
        public BigInteger balance(final Address account)
        {
            ensureOpen();
            final Account a = accounts.get(account);
            return a == null ? BigInteger.ZERO : a.balance;
        }

        @Override
        public TxOutcome apply(final EthTransaction tx)
        {
            ensureOpen();
            final long gas = tx.intrinsicGas();
            if (tx.gasLimit() < gas)
            {
                return TxOutcome.INTRINSIC_GAS_EXCEEDS_LIMIT;
            }
            final Account existing = accounts.get(tx.sender());
            if (tx.nonce() != (existing == null ? 0 : existing.nonce))
            {
                return TxOutcome.NONCE_MISMATCH;
            }
            if (tx.maxFeePerGas() < baseFee)
            {
                return TxOutcome.FEE_CAP_BELOW_BASE_FEE;
            }
            final long price = tx.effectiveGasPrice(baseFee);
            final BigInteger balance = existing == null ? BigInteger.ZERO : existing.balance;
            if (balance.compareTo(multiply(tx.gasLimit(), price).add(tx.value())) < 0)
            {
                return TxOutcome.INSUFFICIENT_FUNDS;
            }
            if (tx.gasLimit() > gasRemaining())
            {
                return TxOutcome.BLOCK_GAS_FULL;
            }

            final BigInteger value = tx.value();
            final Account sender = touch(tx.sender());
            sender.nonce++;
            sender.balance = sender.balance.subtract(value.add(multiply(gas, price)));
            final Account to = touch(tx.to());
            to.balance = to.balance.add(value);
            final Account recipient = touch(feeRecipient);
            recipient.balance = recipient.balance.add(multiply(gas, price - baseFee));
            totalSupply = totalSupply.subtract(multiply(gas, baseFee));
            gasUsed += gas;
            txCount++;
            return TxOutcome.SUCCESS;
        }

        @Override
        public byte[] stateRoot()
        {
            ensureOpen();
            flushed = true;
            flush();
            final byte[] out = new byte[ROOT_LENGTH];
            root(out);
            return out;
        }

        @Override
        public void commit()
        {
            ensureOpen();
            flush();
            root(committedRoot);
            lastCommittedHeight = height;
            close();
        }

        @Override
        public void rollback()
        {
            ensureOpen();
            for (int i = 0, n = touched.size(); i < n; i++)
            {
                final Account a = touched.get(i);
                a.dirty = false;
                if (a.slot >= slotsAtBegin)
                {
                    accounts.remove(a.address);
                    slots[a.slot] = null;
                }
                else
                {
                    a.nonce = a.savedNonce;
                    a.balance = a.savedBalance;
                }
            }
            dirtyCount = 0;
            slotCount = slotsAtBegin;
            totalSupply = supplyAtBegin;
            if (flushed)
            {
                // Leaves were rewritten during the block: rehash the restored ones. The last remaining
                // slot is rehashed too, since its ancestors may have lost right siblings.
                for (int i = 0, n = touched.size(); i < n; i++)
                {
                    final Account a = touched.get(i);
                    if (a.slot < slotsAtBegin)
                    {
                        markDirty(a);
                    }
                }
                if (slotsAtBegin > 0)
                {
                    markDirty(slots[slotsAtBegin - 1]);
                }
                flush();
                final byte[] check = new byte[ROOT_LENGTH];
                root(check);
                if (!Arrays.equals(check, committedRoot))
                {
                    throw new IllegalStateException("rollback did not restore the committed state root");
                }
            }
            close();
        }

        private void close()
        {
            closed = true;
            touched.clear();
            open = null;
        }

        private void ensureOpen()
        {
            if (closed)
            {
                throw new IllegalStateException("block " + height + " is closed");
            }
        }
    }
}
