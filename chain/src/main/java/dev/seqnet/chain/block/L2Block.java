package dev.seqnet.chain.block;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.ChainConstants;
import dev.seqnet.chain.Hex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A signed Citrea L2 block: the header, its hash and the sequencer's signature as carried on the
 * wire (Citrea's {@code SignedL2Header}), the gas used and base fee, and the raw transactions with
 * their recovered senders in block order. Immutable: arrays are copied in and out. The hash is the
 * one the block claims; {@link BlockVerifier} checks it against {@link L2Header#hash()}.
 */
public final class L2Block
{
    /** Most transactions a block may hold: the SBE group count is a u16 whose 65535 means null. */
    public static final int MAX_TX_COUNT = 65534;

    private final L2Header header;
    private final byte[] hash;
    private final byte[] signature;
    private final long gasUsed;
    private final long baseFee;
    private final byte[][] rawTxs;
    private final Address[] senders;

    /**
     * @param header    the header.
     * @param hash      the 32-byte header hash the block claims.
     * @param signature the 64-byte compact r‖s signature of {@code hash}.
     * @param gasUsed   u64 gas used by the block.
     * @param baseFee   u64 base fee per gas.
     * @param rawTxs    raw EIP-2718 transactions, each at most {@link ChainConstants#MAX_TX_SIZE} bytes.
     * @param senders   the sender of each transaction.
     * @throws IllegalArgumentException on wrong lengths, oversize transactions or mismatched lists.
     */
    public L2Block(
        final L2Header header,
        final byte[] hash,
        final byte[] signature,
        final long gasUsed,
        final long baseFee,
        final List<byte[]> rawTxs,
        final List<Address> senders)
    {
        this(header, checkedCopy(hash, 32, "hash"), checkedCopy(signature, 64, "signature"),
            gasUsed, baseFee, copyTxs(rawTxs), copySenders(senders, rawTxs.size()));
    }

    /** Trusted constructor: the arrays are fresh, checked and owned by this block from now on. */
    L2Block(
        final L2Header header,
        final byte[] hash,
        final byte[] signature,
        final long gasUsed,
        final long baseFee,
        final byte[][] rawTxs,
        final Address[] senders)
    {
        if (header == null)
        {
            throw new IllegalArgumentException("header is null");
        }
        this.header = header;
        this.hash = hash;
        this.signature = signature;
        this.gasUsed = gasUsed;
        this.baseFee = baseFee;
        this.rawTxs = rawTxs;
        this.senders = senders;
    }

    private static byte[] checkedCopy(final byte[] src, final int length, final String name)
    {
        if (src == null || src.length != length)
        {
            throw new IllegalArgumentException(name + " must be " + length + " bytes");
        }
        return src.clone();
    }

    private static byte[][] copyTxs(final List<byte[]> rawTxs)
    {
        final int n = rawTxs.size();
        if (n > MAX_TX_COUNT)
        {
            throw new IllegalArgumentException("a block holds at most " + MAX_TX_COUNT + " transactions, got " + n);
        }
        final byte[][] copy = new byte[n][];
        for (int i = 0; i < n; i++)
        {
            final byte[] raw = rawTxs.get(i);
            if (raw == null || raw.length > ChainConstants.MAX_TX_SIZE)
            {
                throw new IllegalArgumentException("tx " + i + " is null or larger than " + ChainConstants.MAX_TX_SIZE);
            }
            copy[i] = raw.clone();
        }
        return copy;
    }

    private static Address[] copySenders(final List<Address> senders, final int txCount)
    {
        if (senders.size() != txCount)
        {
            throw new IllegalArgumentException(senders.size() + " senders for " + txCount + " transactions");
        }
        final Address[] copy = senders.toArray(new Address[0]);
        for (int i = 0; i < copy.length; i++)
        {
            if (copy[i] == null)
            {
                throw new IllegalArgumentException("sender " + i + " is null");
            }
        }
        return copy;
    }

    public L2Header header()
    {
        return header;
    }

    public long height()
    {
        return header.height();
    }

    /** A copy of the hash the block claims (equal to the header hash in a valid block). */
    public byte[] hash()
    {
        return hash.clone();
    }

    /** Copies the 32-byte hash into {@code dst} at {@code offset}: {@link #hash()} without a new array. */
    public void copyHash(final byte[] dst, final int offset)
    {
        System.arraycopy(hash, 0, dst, offset, hash.length);
    }

    /**
     * The same block signed otherwise: the header, hash and transactions shared, {@code signature} copied. Two
     * leaders can propose the same block (the hash does not cover the signature); a member delivers it with the
     * signature of the view that finalized it.
     */
    public L2Block withSignature(final byte[] signature)
    {
        return new L2Block(header, hash, checkedCopy(signature, 64, "signature"), gasUsed, baseFee, rawTxs, senders);
    }

    /** A copy of the 64-byte r‖s signature. */
    public byte[] signature()
    {
        return signature.clone();
    }

    public long gasUsed()
    {
        return gasUsed;
    }

    public long baseFee()
    {
        return baseFee;
    }

    public int txCount()
    {
        return rawTxs.length;
    }

    /** A copy of transaction {@code i}'s raw bytes. */
    public byte[] rawTx(final int i)
    {
        return rawTxs[i].clone();
    }

    /** Length of transaction {@code i}, without copying it. */
    public int rawTxLength(final int i)
    {
        return rawTxs[i].length;
    }

    /** Copies transaction {@code i}'s raw bytes into {@code dst} at {@code offset}. */
    public void copyRawTx(final int i, final byte[] dst, final int offset)
    {
        System.arraycopy(rawTxs[i], 0, dst, offset, rawTxs[i].length);
    }

    public Address sender(final int i)
    {
        return senders[i];
    }

    /** Copies of all raw transactions, in block order. */
    public List<byte[]> rawTxs()
    {
        final List<byte[]> list = new ArrayList<>(rawTxs.length);
        for (final byte[] raw : rawTxs)
        {
            list.add(raw.clone());
        }
        return list;
    }

    /** The senders, in block order (unmodifiable). */
    public List<Address> senders()
    {
        return List.of(senders);
    }

    /** The arrays themselves, for this package's codec and verifier, which never modify them. */
    byte[] hashRef()
    {
        return hash;
    }

    byte[] signatureRef()
    {
        return signature;
    }

    byte[] rawTxRef(final int i)
    {
        return rawTxs[i];
    }

    /** An unmodifiable list over the raw transactions themselves, without copying them. */
    List<byte[]> rawTxsView()
    {
        return Collections.unmodifiableList(Arrays.asList(rawTxs));
    }

    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof L2Block))
        {
            return false;
        }
        final L2Block that = (L2Block)o;
        return gasUsed == that.gasUsed && baseFee == that.baseFee && header.equals(that.header) &&
            Arrays.equals(hash, that.hash) && Arrays.equals(signature, that.signature) &&
            Arrays.equals(senders, that.senders) && Arrays.deepEquals(rawTxs, that.rawTxs);
    }

    @Override
    public int hashCode()
    {
        return Arrays.hashCode(hash);
    }

    @Override
    public String toString()
    {
        return "L2Block{height=" + Long.toUnsignedString(header.height()) +
            ", hash=" + Hex.encode(hash) +
            ", txs=" + rawTxs.length +
            ", gasUsed=" + Long.toUnsignedString(gasUsed) +
            ", baseFee=" + Long.toUnsignedString(baseFee) + '}';
    }
}
