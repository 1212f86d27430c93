package dev.seqnet.chain.tx;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.ChainConstants;
import dev.seqnet.chain.crypto.Keccak256;
import dev.seqnet.chain.rlp.RlpReader;
import dev.seqnet.chain.rlp.RlpWriter;
import org.bouncycastle.crypto.digests.KeccakDigest;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Objects;

/**
 * Decodes and validates raw EIP-2718 transactions (legacy EIP-155, EIP-2930, EIP-1559) into
 * {@link EthTransaction}s, recovering the sender with libsecp256k1; every stateless rule of the
 * ingress path is enforced here, each failure with its own {@link TxRejection}.
 * <p>
 * Thread-safe: the only state is the configured chain id and per-thread scratch (RLP reader,
 * Keccak digest, signature buffers). The signing hash is streamed into the digest straight from
 * the raw bytes, since a canonical transaction's unsigned fields are a contiguous slice of it, so
 * decoding allocates only what the result holds (hash, addresses, data, value) plus the recovered
 * public key.
 */
public final class TxDecoder
{
    private static final byte[] EMPTY = new byte[0];

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final long chainId;

    /** A decoder accepting only transactions signed for {@code chainId}. */
    public TxDecoder(final long chainId)
    {
        if (chainId <= 0)
        {
            throw new IllegalArgumentException("chain id must be positive, was " + chainId);
        }
        this.chainId = chainId;
    }

    /** The chain id transactions must be signed for. */
    public long chainId()
    {
        return chainId;
    }

    /**
     * Decodes, validates and recovers the sender of {@code raw}. The returned transaction keeps
     * {@code raw} itself (no copy): the caller must not modify it afterwards.
     *
     * @throws TxDecodeException with the first rule the transaction breaks.
     */
    public EthTransaction decode(final byte[] raw) throws TxDecodeException
    {
        return decode(raw, null);
    }

    /**
     * Decodes and validates {@code raw} exactly as {@link #decode(byte[])} does, but takes the
     * sender as given instead of recovering it: for replaying our own journal, whose entries were
     * recovered once at admission and store the sender.
     */
    public EthTransaction decodeTrusted(final byte[] raw, final Address sender) throws TxDecodeException
    {
        return decode(raw, Objects.requireNonNull(sender, "sender"));
    }

    private EthTransaction decode(final byte[] raw, final Address trustedSender) throws TxDecodeException
    {
        if (raw.length > ChainConstants.MAX_TX_SIZE)
        {
            throw new TxDecodeException(TxRejection.OVERSIZED,
                "transaction of " + raw.length + " bytes exceeds " + ChainConstants.MAX_TX_SIZE);
        }
        if (raw.length == 0)
        {
            throw new TxDecodeException(TxRejection.MALFORMED_RLP, "empty transaction");
        }

        final int first = raw[0] & 0xFF;
        final Scratch scratch = SCRATCH.get();
        if (first >= 0xC0)
        {
            parseLegacy(raw, scratch);
        }
        else if (first == EthTransaction.TYPE_ACCESS_LIST || first == EthTransaction.TYPE_DYNAMIC_FEE)
        {
            parseTyped(raw, first, scratch);
        }
        else if (first == 0x03)
        {
            throw new TxDecodeException(TxRejection.BLOB_TX_UNSUPPORTED);
        }
        else if (first <= 0x7F)
        {
            // EIP-2718 reserves 0x00-0x7f for type bytes (0x7f included).
            throw new TxDecodeException(TxRejection.UNKNOWN_TYPE, "transaction type 0x" + Integer.toHexString(first) + " not supported");
        }
        else
        {
            throw new TxDecodeException(TxRejection.MALFORMED_RLP, "transaction is an RLP string, not a list");
        }

        validate(scratch);

        final Address sender;
        if (trustedSender != null)
        {
            sender = trustedSender;
        }
        else
        {
            signingHash(raw, scratch);
            sender = EcdsaRecovery.recover(scratch.signature, scratch.signingHash, scratch.recoveryId, scratch.addressHash);
            if (sender == null)
            {
                throw new TxDecodeException(TxRejection.INVALID_SIGNATURE);
            }
        }

        return new EthTransaction(
            raw,
            Keccak256.hash(raw),
            sender,
            scratch.type,
            scratch.chainId,
            scratch.nonce,
            scratch.maxPriorityFeePerGas,
            scratch.maxFeePerGas,
            scratch.gasLimit,
            Address.wrap(raw, scratch.toOffset),
            scratch.value,
            scratch.dataLength == 0 ? EMPTY : Arrays.copyOfRange(raw, scratch.dataOffset, scratch.dataOffset + scratch.dataLength),
            scratch.intrinsicGas);
    }

    /** Legacy: rlp([nonce, gasPrice, gasLimit, to, value, data, v, r, s]). */
    private static void parseLegacy(final byte[] raw, final Scratch s) throws TxDecodeException
    {
        final RlpReader reader = s.reader.wrap(raw, 0, raw.length);
        final int top = reader.enterList();
        s.type = EthTransaction.TYPE_LEGACY;
        s.fieldsStart = reader.position();
        s.nonce = reader.readLong("nonce");
        s.maxFeePerGas = reader.readUInt256AsLong();
        s.maxPriorityFeePerGas = s.maxFeePerGas;
        s.gasLimit = reader.readLong("gas limit");
        readToValueData(reader, s);
        s.accessListAddresses = 0;
        s.accessListKeys = 0;
        s.fieldsEnd = reader.position();
        s.v = reader.readUInt256AsLong();
        readSignature(reader, s);
        reader.exitList(top);
        reader.requireEnd();
    }

    /**
     * EIP-2930: type ‖ rlp([chainId, nonce, gasPrice, gasLimit, to, value, data, accessList, yParity, r, s]);
     * EIP-1559: type ‖ rlp([chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit, to, value, data,
     * accessList, yParity, r, s]).
     */
    private static void parseTyped(final byte[] raw, final int type, final Scratch s) throws TxDecodeException
    {
        final RlpReader reader = s.reader.wrap(raw, 1, raw.length - 1);
        final int top = reader.enterList();
        s.type = type;
        s.fieldsStart = reader.position();
        s.chainId = reader.readUInt256AsLong();
        s.nonce = reader.readLong("nonce");
        if (type == EthTransaction.TYPE_DYNAMIC_FEE)
        {
            s.maxPriorityFeePerGas = reader.readUInt256AsLong();
            s.maxFeePerGas = reader.readUInt256AsLong();
        }
        else
        {
            s.maxFeePerGas = reader.readUInt256AsLong();
            s.maxPriorityFeePerGas = s.maxFeePerGas;
        }
        s.gasLimit = reader.readLong("gas limit");
        readToValueData(reader, s);
        readAccessList(reader, s);
        s.fieldsEnd = reader.position();
        s.v = reader.readUInt256AsLong();
        readSignature(reader, s);
        reader.exitList(top);
        reader.requireEnd();
    }

    private static void readToValueData(final RlpReader reader, final Scratch s) throws TxDecodeException
    {
        final int toLength = reader.readString();
        if (toLength != 0 && toLength != Address.LENGTH)
        {
            throw new TxDecodeException(TxRejection.MALFORMED_RLP, "to must be empty or 20 bytes, was " + toLength);
        }
        s.toLength = toLength;
        s.toOffset = reader.itemOffset();
        s.value = reader.readBigInteger(32);
        s.dataLength = reader.readString();
        s.dataOffset = reader.itemOffset();
    }

    /** accessList = [[address (20 bytes), [storageKey (32 bytes), ...]], ...]. */
    private static void readAccessList(final RlpReader reader, final Scratch s) throws TxDecodeException
    {
        int addresses = 0;
        int keys = 0;
        final int listLimit = reader.enterList();
        while (reader.hasRemaining())
        {
            final int entryLimit = reader.enterList();
            reader.readFixed(Address.LENGTH, "access list address");
            addresses++;
            final int keysLimit = reader.enterList();
            while (reader.hasRemaining())
            {
                reader.readFixed(32, "storage key");
                keys++;
            }
            reader.exitList(keysLimit);
            reader.exitList(entryLimit);
        }
        reader.exitList(listLimit);
        s.accessListAddresses = addresses;
        s.accessListKeys = keys;
    }

    /** Reads r and s (uint256 each) into the scratch compact signature, left-padded to 32 bytes. */
    private static void readSignature(final RlpReader reader, final Scratch s) throws TxDecodeException
    {
        final byte[] buffer = reader.buffer();
        final byte[] signature = s.signature;
        Arrays.fill(signature, (byte)0);
        final int rLength = reader.readIntegerBytes(32);
        System.arraycopy(buffer, reader.itemOffset(), signature, 32 - rLength, rLength);
        final int sLength = reader.readIntegerBytes(32);
        System.arraycopy(buffer, reader.itemOffset(), signature, 64 - sLength, sLength);
    }

    /** The stateless rules, cheapest first, all before the signature is recovered. */
    private void validate(final Scratch s) throws TxDecodeException
    {
        if (s.type == EthTransaction.TYPE_LEGACY)
        {
            final long v = s.v;
            if (v == 27 || v == 28)
            {
                throw new TxDecodeException(TxRejection.UNPROTECTED_LEGACY);
            }
            if (v < 0)
            {
                // v above 2^63-1 encodes a chain id above 2^62: never ours.
                throw new TxDecodeException(TxRejection.WRONG_CHAIN_ID, "v encodes a chain id out of range");
            }
            if (v < 35)
            {
                throw new TxDecodeException(TxRejection.INVALID_SIGNATURE, "legacy v must be 27, 28 or chainId*2+35/36, was " + v);
            }
            s.chainId = (v - 35) >>> 1;
            s.recoveryId = (int)((v - 35) & 1);
        }
        else
        {
            // yParity was read as a uint256: -1 means it overflowed a long.
            if (s.v != 0 && s.v != 1)
            {
                throw new TxDecodeException(TxRejection.INVALID_SIGNATURE, "yParity must be 0 or 1");
            }
            s.recoveryId = (int)s.v;
        }
        if (s.chainId != chainId)
        {
            throw new TxDecodeException(TxRejection.WRONG_CHAIN_ID,
                "chain id " + (s.chainId < 0 ? "above 2^63-1" : Long.toString(s.chainId)) + ", expected " + chainId);
        }
        if (s.toLength == 0)
        {
            throw new TxDecodeException(TxRejection.CONTRACT_CREATION_UNSUPPORTED);
        }
        if (s.maxFeePerGas < 0 || s.maxPriorityFeePerGas < 0)
        {
            throw new TxDecodeException(TxRejection.FEE_TOO_HIGH);
        }
        if (s.maxPriorityFeePerGas > s.maxFeePerGas)
        {
            throw new TxDecodeException(TxRejection.TIP_ABOVE_FEE_CAP);
        }
        if (s.maxFeePerGas < ChainConstants.BASE_FEE_FLOOR)
        {
            throw new TxDecodeException(TxRejection.FEE_CAP_BELOW_FLOOR);
        }
        if (s.gasLimit > ChainConstants.BLOCK_GAS_LIMIT)
        {
            throw new TxDecodeException(TxRejection.GAS_LIMIT_EXCEEDS_BLOCK);
        }
        s.intrinsicGas = intrinsicGas(s);
        if (s.gasLimit < s.intrinsicGas)
        {
            throw new TxDecodeException(TxRejection.INTRINSIC_GAS_TOO_LOW,
                "intrinsic gas too low: have " + s.gasLimit + ", want " + s.intrinsicGas);
        }
        if (!EcdsaRecovery.inRange(s.signature, 0) || !EcdsaRecovery.inRange(s.signature, 32))
        {
            throw new TxDecodeException(TxRejection.INVALID_SIGNATURE, "r or s is zero or not below the curve order");
        }
        if (EcdsaRecovery.isHighS(s.signature, 32))
        {
            throw new TxDecodeException(TxRejection.HIGH_S);
        }
    }

    /** 21000 + 4 per zero and 16 per non-zero data byte + 2400 per access-list address + 1900 per key. */
    private static long intrinsicGas(final Scratch s)
    {
        final byte[] raw = s.reader.buffer();
        final int end = s.dataOffset + s.dataLength;
        int zeros = 0;
        for (int i = s.dataOffset; i < end; i++)
        {
            if (raw[i] == 0)
            {
                zeros++;
            }
        }
        return ChainConstants.TX_BASE_GAS +
            4L * zeros + 16L * (s.dataLength - zeros) +
            2400L * s.accessListAddresses + 1900L * s.accessListKeys;
    }

    /**
     * Streams the signing hash into the scratch: keccak(type ‖ rlp(unsigned fields)) for typed
     * transactions, keccak(rlp([nonce, gasPrice, gasLimit, to, value, data, chainId, 0, 0])) for
     * EIP-155 legacy. The fields are canonical (the reader enforces it), so their encoding is the
     * raw slice between the list header and the signature; only the list header (and, for legacy,
     * the chain-id suffix) is encoded afresh.
     */
    private void signingHash(final byte[] raw, final Scratch s)
    {
        final KeccakDigest digest = s.digest;
        final byte[] prefix = s.prefix;
        final int fieldsLength = s.fieldsEnd - s.fieldsStart;
        if (s.type == EthTransaction.TYPE_LEGACY)
        {
            final int suffixStart = Scratch.SUFFIX_OFFSET;
            int suffixLength = RlpWriter.writeLong(chainId, prefix, suffixStart);
            prefix[suffixStart + suffixLength++] = (byte)0x80;
            prefix[suffixStart + suffixLength++] = (byte)0x80;
            final int headerLength = RlpWriter.writeListHeader(fieldsLength + suffixLength, prefix, 0);
            digest.update(prefix, 0, headerLength);
            digest.update(raw, s.fieldsStart, fieldsLength);
            digest.update(prefix, suffixStart, suffixLength);
        }
        else
        {
            prefix[0] = (byte)s.type;
            final int headerLength = RlpWriter.writeListHeader(fieldsLength, prefix, 1);
            digest.update(prefix, 0, 1 + headerLength);
            digest.update(raw, s.fieldsStart, fieldsLength);
        }
        digest.doFinal(s.signingHash, 0);
    }

    /** Per-thread working state of one decode: the parsed fields and reusable buffers. */
    private static final class Scratch
    {
        static final int SUFFIX_OFFSET = 16;

        final RlpReader reader = new RlpReader();
        final KeccakDigest digest = new KeccakDigest(256);
        final byte[] prefix = new byte[32];
        final byte[] signature = new byte[64];
        final byte[] signingHash = new byte[32];
        final byte[] addressHash = new byte[32];

        int type;
        long chainId;
        long nonce;
        long maxPriorityFeePerGas;
        long maxFeePerGas;
        long gasLimit;
        int toOffset;
        int toLength;
        BigInteger value;
        int dataOffset;
        int dataLength;
        int accessListAddresses;
        int accessListKeys;
        int fieldsStart;
        int fieldsEnd;
        long v;
        int recoveryId;
        long intrinsicGas;
    }
}
