package dev.seqnet.ordering.exec;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.ChainConstants;
import dev.seqnet.chain.crypto.Sha256;
import dev.seqnet.chain.tx.EthTransaction;

import java.math.BigInteger;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The native-token ledger: accounts with a nonce and a u256 balance, value transfers and EIP-1559 fee
 * accounting, executed block by block with undo logs so blocks can be applied speculatively, stacked
 * into a chain of open blocks, and rolled back exactly.
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
 * rehashed. It always holds the state of the newest open block (or the committed state); the root of
 * an open block that has a block on top of it is computed when that block begins and kept.
 *
 * <h2>Open chain</h2>
 * Accounts hold the state of the newest open block. Each open block keeps an undo record per account
 * it touched first (the values before the block); an account's records form a list oldest to newest,
 * so the committed value is the oldest record's and the value after any open block is the next newer
 * record's. Records are pooled: steady-state execution allocates none.
 *
 * <p>Not thread-safe: owned by one thread. {@link #nonce}/{@link #balance}/{@link #totalSupply}/
 * {@link #accountCount} on the ledger always report committed state; {@link #speculative()} and the
 * newest open {@link BlockExecution} report the state at the tip of the open chain.
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
    private final ArrayDeque<Block> chain = new ArrayDeque<>();
    private final AccountState speculative = new Tip();

    private Account[] slots = new Account[16];
    private int slotCount;
    private int[] dirty = new int[64];
    private int dirtyCount;
    private BigInteger totalSupply = BigInteger.ZERO;
    private long lastCommittedHeight = -1;
    private Undo freeUndo;

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
        return a.oldest != null ? a.oldest.nonce : a.nonce;
    }

    @Override
    public BigInteger balance(final Address account)
    {
        final Account a = accounts.get(account);
        if (a == null)
        {
            return BigInteger.ZERO;
        }
        return a.oldest != null ? a.oldest.balance : a.balance;
    }

    /** Number of committed accounts (slots). */
    public int accountCount()
    {
        final Block oldest = chain.peekFirst();
        return oldest != null ? oldest.slotsAtBegin : slotCount;
    }

    /** Committed total of all balances: genesis supply minus every burned base fee. */
    public BigInteger totalSupply()
    {
        final Block oldest = chain.peekFirst();
        return oldest != null ? oldest.supplyAtBegin : totalSupply;
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
    public AccountState speculative()
    {
        return speculative;
    }

    @Override
    public BlockExecution openBlock()
    {
        return chain.peekLast();
    }

    @Override
    public BlockExecution oldestOpenBlock()
    {
        return chain.peekFirst();
    }

    @Override
    public int openBlockCount()
    {
        return chain.size();
    }

    @Override
    public BlockExecution begin(final long height, final long baseFee)
    {
        final Block newest = chain.peekLast();
        if (newest != null)
        {
            throw new IllegalStateException("block " + newest.height + " is still open");
        }
        return beginOnTop(height, baseFee);
    }

    @Override
    public BlockExecution beginOnTop(final long height, final long baseFee)
    {
        final Block parent = chain.peekLast();
        if (parent == null)
        {
            if (height <= lastCommittedHeight)
            {
                throw new IllegalArgumentException(
                    "height " + height + " not above last committed " + lastCommittedHeight);
            }
        }
        else if (height != parent.height + 1)
        {
            throw new IllegalArgumentException("height " + height + " does not follow open block " + parent.height);
        }
        if (baseFee < 0)
        {
            throw new IllegalArgumentException("negative base fee");
        }
        if (parent != null)
        {
            // The parent cannot change while this block is open, so its root is computed once, here.
            parent.flushed = true;
            flush();
            parent.sealedRoot = new byte[ROOT_LENGTH];
            root(parent.sealedRoot);
        }
        final Block block = new Block(parent, height, baseFee, slotCount, totalSupply);
        chain.addLast(block);
        return block;
    }

    @Override
    public int rollbackTo(final long height)
    {
        if (height < lastCommittedHeight)
        {
            throw new IllegalArgumentException(
                "cannot roll back to " + height + ": block " + lastCommittedHeight + " is committed");
        }
        int count = 0;
        Block newest;
        while ((newest = chain.peekLast()) != null && newest.height > height)
        {
            newest.rollback();
            count++;
        }
        return count;
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

    /**
     * The account at {@code address} prepared for mutation in {@code block} (the newest): created,
     * its values before the block recorded, dirty.
     */
    private Account touch(final Block block, final Address address)
    {
        Account a = accounts.get(address);
        if (a == null)
        {
            a = create(address);
            record(block, a);
        }
        else if (a.newest == null || a.newest.block != block)
        {
            record(block, a);
        }
        markDirty(a);
        return a;
    }

    /** Appends an undo record of {@code a}'s current values to {@code block} and to the account's list. */
    private void record(final Block block, final Account a)
    {
        Undo u = freeUndo;
        if (u != null)
        {
            freeUndo = u.nextInBlock;
        }
        else
        {
            u = new Undo();
        }
        u.account = a;
        u.block = block;
        u.nonce = a.nonce;
        u.balance = a.balance;
        u.newer = null;
        u.older = a.newest;
        if (a.newest != null)
        {
            a.newest.newer = u;
        }
        else
        {
            a.oldest = u;
        }
        a.newest = u;
        u.nextInBlock = block.undo;
        block.undo = u;
    }

    private void release(final Undo u)
    {
        u.account = null;
        u.block = null;
        u.balance = null;
        u.older = null;
        u.newer = null;
        u.nextInBlock = freeUndo;
        freeUndo = u;
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

    /** Mutable account record holding the tip's values; its undo records hold older ones. */
    private static final class Account
    {
        final Address address;
        final int slot;
        long nonce;
        BigInteger balance = BigInteger.ZERO;
        Undo oldest;
        Undo newest;
        boolean dirty;

        Account(final Address address, final int slot)
        {
            this.address = address;
            this.slot = slot;
        }
    }

    /**
     * An account's values before an open block first touched it. Linked per account (older/newer, in
     * chain order) and per block (for rollback and commit). Pooled through {@link #freeUndo}.
     */
    private static final class Undo
    {
        Account account;
        Block block;
        long nonce;
        BigInteger balance;
        Undo older;
        Undo newer;
        Undo nextInBlock;
    }

    /** The state at the tip of the open chain: the accounts' current values. */
    private final class Tip implements AccountState
    {
        @Override
        public long nonce(final Address account)
        {
            final Account a = accounts.get(account);
            return a == null ? 0 : a.nonce;
        }

        @Override
        public BigInteger balance(final Address account)
        {
            final Account a = accounts.get(account);
            return a == null ? BigInteger.ZERO : a.balance;
        }
    }

    /** An open block: applies transactions in place, recording first touches for rollback. */
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
        /** Head of this block's undo records, newest first. */
        Undo undo;
        /** This block's root, computed when a block begins on top of it. */
        byte[] sealedRoot;
        /** The open block below this one; null when this is the oldest. */
        Block parent;

        Block(
            final Block parent,
            final long height,
            final long baseFee,
            final int slotsAtBegin,
            final BigInteger supplyAtBegin)
        {
            this.parent = parent;
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
            if (a == null)
            {
                return 0;
            }
            final Undo after = firstRecordAfter(a);
            return after == null ? a.nonce : after.nonce;
        }

        @Override
        public BigInteger balance(final Address account)
        {
            ensureOpen();
            final Account a = accounts.get(account);
            if (a == null)
            {
                return BigInteger.ZERO;
            }
            final Undo after = firstRecordAfter(a);
            return after == null ? a.balance : after.balance;
        }

        /** The oldest record of {@code a} made by a block above this one: it holds the values after this block. */
        private Undo firstRecordAfter(final Account a)
        {
            Undo after = null;
            for (Undo u = a.newest; u != null && u.block.height > height; u = u.older)
            {
                after = u;
            }
            return after;
        }

        @Override
        public TxOutcome apply(final EthTransaction tx)
        {
            ensureNewest("apply to");
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
            final Account sender = touch(this, tx.sender());
            sender.nonce++;
            sender.balance = sender.balance.subtract(value.add(multiply(gas, price)));
            final Account to = touch(this, tx.to());
            to.balance = to.balance.add(value);
            final Account recipient = touch(this, feeRecipient);
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
            if (chain.peekLast() != this)
            {
                return sealedRoot.clone();
            }
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
            if (chain.peekFirst() != this)
            {
                throw new IllegalStateException(
                    "block " + height + " is not the oldest open block " + chain.peekFirst().height);
            }
            if (chain.peekLast() == this)
            {
                flush();
                root(committedRoot);
            }
            else
            {
                System.arraycopy(sealedRoot, 0, committedRoot, 0, ROOT_LENGTH);
            }
            // This block's records are the oldest of their accounts: the next newer record (or the
            // account itself) now holds the committed values.
            for (Undo u = undo; u != null; )
            {
                final Undo next = u.nextInBlock;
                final Account a = u.account;
                a.oldest = u.newer;
                if (u.newer != null)
                {
                    u.newer.older = null;
                }
                else
                {
                    a.newest = null;
                }
                release(u);
                u = next;
            }
            undo = null;
            lastCommittedHeight = height;
            chain.pollFirst();
            final Block child = chain.peekFirst();
            if (child != null)
            {
                child.parent = null;
            }
            closed = true;
        }

        @Override
        public void rollback()
        {
            ensureNewest("roll back");
            // This block's records are the newest of their accounts: restore and unlink them.
            for (Undo u = undo; u != null; u = u.nextInBlock)
            {
                final Account a = u.account;
                a.dirty = false;
                a.newest = u.older;
                if (u.older != null)
                {
                    u.older.newer = null;
                }
                else
                {
                    a.oldest = null;
                }
                if (a.slot >= slotsAtBegin)
                {
                    accounts.remove(a.address);
                    slots[a.slot] = null;
                }
                else
                {
                    a.nonce = u.nonce;
                    a.balance = u.balance;
                }
            }
            // The tree was clean when this block began, so everything dirty was touched here.
            dirtyCount = 0;
            slotCount = slotsAtBegin;
            totalSupply = supplyAtBegin;
            if (flushed)
            {
                // Leaves were rewritten during the block: rehash the restored ones. The last remaining
                // slot is rehashed too, since its ancestors may have lost right siblings.
                for (Undo u = undo; u != null; u = u.nextInBlock)
                {
                    if (u.account.slot < slotsAtBegin)
                    {
                        markDirty(u.account);
                    }
                }
                if (slotsAtBegin > 0)
                {
                    markDirty(slots[slotsAtBegin - 1]);
                }
                flush();
                final byte[] check = new byte[ROOT_LENGTH];
                root(check);
                final byte[] expected = parent != null ? parent.sealedRoot : committedRoot;
                if (!Arrays.equals(check, expected))
                {
                    throw new IllegalStateException("rollback of block " + height + " did not restore the state root");
                }
            }
            for (Undo u = undo; u != null; )
            {
                final Undo next = u.nextInBlock;
                release(u);
                u = next;
            }
            undo = null;
            chain.pollLast();
            closed = true;
        }

        private void ensureNewest(final String action)
        {
            ensureOpen();
            final Block newest = chain.peekLast();
            if (newest != this)
            {
                throw new IllegalStateException(
                    "cannot " + action + " block " + height + ": block " + newest.height + " is open on top of it");
            }
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
