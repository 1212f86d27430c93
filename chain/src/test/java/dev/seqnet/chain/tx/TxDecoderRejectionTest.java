package dev.seqnet.chain.tx;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.ChainConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.web3j.crypto.AccessListObject;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.rlp.RlpList;
import org.web3j.rlp.RlpString;
import org.web3j.rlp.RlpType;
import org.web3j.utils.Numeric;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;

import static dev.seqnet.chain.tx.Web3jTxs.CHAIN_ID;
import static dev.seqnet.chain.tx.Web3jTxs.CREDENTIALS;
import static dev.seqnet.chain.tx.Web3jTxs.GWEI;
import static dev.seqnet.chain.tx.Web3jTxs.N;
import static dev.seqnet.chain.tx.Web3jTxs.TO;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** One test (or more) per {@link TxRejection} the decoder produces, each from web3j-built bytes. */
class TxDecoderRejectionTest
{
    // Field indexes in the EIP-1559 list.
    private static final int DF_NONCE = 1;
    private static final int DF_GAS_LIMIT = 4;
    private static final int DF_TO = 5;
    private static final int DF_ACCESS_LIST = 8;
    private static final int DF_Y_PARITY = 9;
    private static final int DF_R = 10;
    private static final int DF_S = 11;

    private final TxDecoder decoder = new TxDecoder(CHAIN_ID);

    @Test
    void oversizedIsCheckedBeforeParsing()
    {
        final byte[] garbage = new byte[ChainConstants.MAX_TX_SIZE + 1];
        Arrays.fill(garbage, (byte)0xFF);
        assertRejected(TxRejection.OVERSIZED, garbage);
    }

    @Test
    void oversizedDataIsRejected()
    {
        final byte[] data = new byte[ChainConstants.MAX_TX_SIZE];
        Arrays.fill(data, (byte)1);
        final byte[] raw = Web3jTxs.dynamicFee(CHAIN_ID, 0, GWEI, GWEI, 9_000_000, TO, BigInteger.ONE, Numeric.toHexString(data));
        assertRejected(TxRejection.OVERSIZED, raw);
    }

    @Test
    void exactlyMaxSizeIsNotOversized()
    {
        final byte[] probe = Web3jTxs.dynamicFee(CHAIN_ID, 0, GWEI, GWEI, 3_000_000, TO, BigInteger.ONE, Numeric.toHexString(new byte[100_000]));
        final int dataLength = 100_000 + ChainConstants.MAX_TX_SIZE - probe.length;
        final byte[] raw = Web3jTxs.dynamicFee(CHAIN_ID, 0, GWEI, GWEI, 3_000_000, TO, BigInteger.ONE, Numeric.toHexString(new byte[dataLength]));
        assertEquals(ChainConstants.MAX_TX_SIZE, raw.length);
        assertDecodes(raw);
    }

    @Test
    void emptyInputIsMalformed()
    {
        assertRejected(TxRejection.MALFORMED_RLP, new byte[0]);
    }

    @Test
    void truncatedRlpIsMalformed()
    {
        final byte[] raw = Web3jTxs.dynamicFee();
        assertRejected(TxRejection.MALFORMED_RLP, Arrays.copyOf(raw, raw.length - 1));
        assertRejected(TxRejection.MALFORMED_RLP, Arrays.copyOf(raw, 1));
        final byte[] legacy = Web3jTxs.legacy(CHAIN_ID, 1, GWEI, 21_000, TO, BigInteger.ONE, "0x");
        assertRejected(TxRejection.MALFORMED_RLP, Arrays.copyOf(legacy, legacy.length - 3));
    }

    @Test
    void trailingBytesAreMalformed()
    {
        final byte[] raw = Web3jTxs.dynamicFee();
        assertRejected(TxRejection.MALFORMED_RLP, Arrays.copyOf(raw, raw.length + 1));
        final byte[] legacy = Web3jTxs.legacy(CHAIN_ID, 1, GWEI, 21_000, TO, BigInteger.ONE, "0x");
        assertRejected(TxRejection.MALFORMED_RLP, Arrays.copyOf(legacy, legacy.length + 2));
    }

    @Test
    void nonCanonicalIntegerIsMalformed()
    {
        // nonce 7 encoded with a leading zero byte: 0x82 0x00 0x07.
        final byte[] raw = Web3jTxs.replaceField(Web3jTxs.dynamicFee(), DF_NONCE, RlpString.create(new byte[]{0, 7}));
        assertRejected(TxRejection.MALFORMED_RLP, raw);
    }

    @Test
    void singleByteWrappedInAStringIsMalformed()
    {
        final byte[] raw = Web3jTxs.dynamicFee();
        // The nonce (7) follows the list header and the chain id (0x82 0x13 0xfb); re-wrap it as 0x81 0x07.
        final int header = (raw[1] & 0xFF) <= 0xF7 ? 1 : 1 + (raw[1] & 0xFF) - 0xF7;
        final int nonceAt = 1 + header + 3;
        assertEquals(7, raw[nonceAt]);
        final byte[] wrapped = new byte[raw.length + 1];
        System.arraycopy(raw, 0, wrapped, 0, nonceAt);
        wrapped[nonceAt] = (byte)0x81;
        System.arraycopy(raw, nonceAt, wrapped, nonceAt + 1, raw.length - nonceAt);
        wrapped[header] += 1; // the list grew by one byte: bump the last byte of its length
        assertRejected(TxRejection.MALFORMED_RLP, wrapped);
    }

    @Test
    void missingOrExtraFieldsAreMalformed()
    {
        final byte[] raw = Web3jTxs.dynamicFee();
        final List<RlpType> fields = Web3jTxs.fields(raw);
        fields.add(RlpString.create(1));
        assertRejected(TxRejection.MALFORMED_RLP, Web3jTxs.encode(raw, fields));
        fields.remove(fields.size() - 1);
        fields.remove(fields.size() - 1);
        assertRejected(TxRejection.MALFORMED_RLP, Web3jTxs.encode(raw, fields));
    }

    @Test
    void wrongFieldShapesAreMalformed()
    {
        final byte[] raw = Web3jTxs.dynamicFee();
        assertRejected(TxRejection.MALFORMED_RLP, Web3jTxs.replaceField(raw, DF_TO, RlpString.create(new byte[19])));
        assertRejected(TxRejection.MALFORMED_RLP, Web3jTxs.replaceField(raw, DF_TO, new RlpList()));
        assertRejected(TxRejection.MALFORMED_RLP, Web3jTxs.replaceField(raw, DF_ACCESS_LIST, RlpString.create(new byte[0])));
        assertRejected(TxRejection.MALFORMED_RLP, Web3jTxs.replaceField(raw, DF_NONCE, new RlpList()));
    }

    @Test
    void accessListWithBadAddressOrKeyLengthIsMalformed()
    {
        final byte[] raw = Web3jTxs.dynamicFee();
        final RlpList shortAddress = new RlpList(new RlpList(RlpString.create(new byte[19]), new RlpList()));
        assertRejected(TxRejection.MALFORMED_RLP, Web3jTxs.replaceField(raw, DF_ACCESS_LIST, shortAddress));
        final RlpList shortKey = new RlpList(new RlpList(RlpString.create(new byte[20]), new RlpList(RlpString.create(new byte[31]))));
        assertRejected(TxRejection.MALFORMED_RLP, Web3jTxs.replaceField(raw, DF_ACCESS_LIST, shortKey));
        final RlpList missingKeys = new RlpList(new RlpList(RlpString.create(new byte[20])));
        assertRejected(TxRejection.MALFORMED_RLP, Web3jTxs.replaceField(raw, DF_ACCESS_LIST, missingKeys));
        final RlpList keyNotInList = new RlpList(new RlpList(RlpString.create(new byte[20]), RlpString.create(new byte[32])));
        assertRejected(TxRejection.MALFORMED_RLP, Web3jTxs.replaceField(raw, DF_ACCESS_LIST, keyNotInList));
    }

    @Test
    void topLevelStringIsMalformed()
    {
        assertRejected(TxRejection.MALFORMED_RLP, new byte[]{(byte)0x83, 1, 2, 3});
    }

    @Test
    void nonceAtOrAboveTwoTo64MinusOneIsMalformed()
    {
        final BigInteger max = BigInteger.TWO.pow(64).subtract(BigInteger.ONE);
        assertRejected(TxRejection.MALFORMED_RLP, Web3jTxs.replaceField(Web3jTxs.dynamicFee(), DF_NONCE, Web3jTxs.integer(max)));
    }

    @Test
    void gasLimitAboveTwoTo63MinusOneIsMalformed()
    {
        final BigInteger tooBig = BigInteger.TWO.pow(63);
        assertRejected(TxRejection.MALFORMED_RLP, Web3jTxs.replaceField(Web3jTxs.dynamicFee(), DF_GAS_LIMIT, Web3jTxs.integer(tooBig)));
    }

    @Test
    void blobTypeIsUnsupported()
    {
        final byte[] raw = Web3jTxs.dynamicFee();
        raw[0] = 0x03;
        assertRejected(TxRejection.BLOB_TX_UNSUPPORTED, raw);
    }

    @Test
    void unknownTypesAreRejected()
    {
        for (final int type : new int[]{0x00, 0x04, 0x05, 0x7e, 0x7f})
        {
            final byte[] raw = Web3jTxs.dynamicFee();
            raw[0] = (byte)type;
            assertRejected(TxRejection.UNKNOWN_TYPE, raw);
        }
    }

    @Test
    void unprotectedLegacyIsRejected()
    {
        assertRejected(TxRejection.UNPROTECTED_LEGACY, Web3jTxs.unprotectedLegacy());
    }

    @Test
    void wrongChainIdIsRejectedForEveryType()
    {
        assertRejected(TxRejection.WRONG_CHAIN_ID, Web3jTxs.dynamicFee(1, 0, GWEI, GWEI, 21_000, TO, BigInteger.ONE, "0x"));
        assertRejected(TxRejection.WRONG_CHAIN_ID, Web3jTxs.accessList(ChainConstants.MAINNET_CHAIN_ID, 0, GWEI, 21_000, TO, BigInteger.ONE, "0x", List.of()));
        assertRejected(TxRejection.WRONG_CHAIN_ID, Web3jTxs.legacy(ChainConstants.MAINNET_CHAIN_ID, 0, GWEI, 21_000, TO, BigInteger.ONE, "0x"));
        // A chain id beyond 2^63-1 can never match.
        assertRejected(TxRejection.WRONG_CHAIN_ID, Web3jTxs.replaceField(Web3jTxs.dynamicFee(), 0, Web3jTxs.integer(BigInteger.TWO.pow(64))));
    }

    @Test
    void highSIsRejected()
    {
        // (r, n - s) with the parity flipped is an equally valid signature of the same sender (EIP-2 malleability).
        final byte[] raw = Web3jTxs.dynamicFee();
        final List<RlpType> fields = Web3jTxs.fields(raw);
        final BigInteger s = Web3jTxs.integer(fields.get(DF_S));
        final BigInteger parity = Web3jTxs.integer(fields.get(DF_Y_PARITY));
        fields.set(DF_S, Web3jTxs.integer(N.subtract(s)));
        fields.set(DF_Y_PARITY, Web3jTxs.integer(BigInteger.ONE.subtract(parity)));
        assertRejected(TxRejection.HIGH_S, Web3jTxs.encode(raw, fields));
    }

    @Test
    void highSIsRejectedForLegacy()
    {
        final byte[] raw = Web3jTxs.legacy(CHAIN_ID, 1, GWEI, 21_000, TO, BigInteger.ONE, "0x");
        final List<RlpType> fields = Web3jTxs.fields(raw);
        fields.set(8, Web3jTxs.integer(N.subtract(Web3jTxs.integer(fields.get(8)))));
        assertRejected(TxRejection.HIGH_S, Web3jTxs.encode(raw, fields));
    }

    @Test
    void zeroROrSIsAnInvalidSignature()
    {
        final byte[] raw = Web3jTxs.dynamicFee();
        assertRejected(TxRejection.INVALID_SIGNATURE, Web3jTxs.replaceField(raw, DF_R, Web3jTxs.integer(BigInteger.ZERO)));
        assertRejected(TxRejection.INVALID_SIGNATURE, Web3jTxs.replaceField(raw, DF_S, Web3jTxs.integer(BigInteger.ZERO)));
    }

    @Test
    void rOrSAtOrAboveTheCurveOrderIsAnInvalidSignature()
    {
        final byte[] raw = Web3jTxs.dynamicFee();
        assertRejected(TxRejection.INVALID_SIGNATURE, Web3jTxs.replaceField(raw, DF_R, Web3jTxs.integer(N)));
        assertRejected(TxRejection.INVALID_SIGNATURE, Web3jTxs.replaceField(raw, DF_S, Web3jTxs.integer(N)));
        assertRejected(TxRejection.INVALID_SIGNATURE, Web3jTxs.replaceField(raw, DF_S, Web3jTxs.integer(N.add(BigInteger.ONE))));
    }

    @Test
    void yParityOtherThanZeroOrOneIsAnInvalidSignature()
    {
        final byte[] raw = Web3jTxs.dynamicFee();
        assertRejected(TxRejection.INVALID_SIGNATURE, Web3jTxs.replaceField(raw, DF_Y_PARITY, Web3jTxs.integer(BigInteger.TWO)));
        assertRejected(TxRejection.INVALID_SIGNATURE, Web3jTxs.replaceField(raw, DF_Y_PARITY, Web3jTxs.integer(BigInteger.valueOf(27))));
        assertRejected(TxRejection.INVALID_SIGNATURE, Web3jTxs.replaceField(raw, DF_Y_PARITY, Web3jTxs.integer(BigInteger.TWO.pow(100))));
    }

    @Test
    void legacyVThatIsNeitherUnprotectedNorEip155IsAnInvalidSignature()
    {
        final byte[] raw = Web3jTxs.legacy(CHAIN_ID, 1, GWEI, 21_000, TO, BigInteger.ONE, "0x");
        assertRejected(TxRejection.INVALID_SIGNATURE, Web3jTxs.replaceField(raw, 6, Web3jTxs.integer(BigInteger.valueOf(30))));
        assertRejected(TxRejection.INVALID_SIGNATURE, Web3jTxs.replaceField(raw, 6, Web3jTxs.integer(BigInteger.ZERO)));
    }

    @Test
    void unrecoverableSignatureIsAnInvalidSignature()
    {
        // r = 5 is in range, but 5^3 + 7 is not a square mod p (Euler's criterion, checked in Python:
        // pow(5**3 + 7, (p - 1) // 2, p) != 1), so no curve point has x = 5 and recovery fails.
        final byte[] raw = Web3jTxs.replaceField(Web3jTxs.dynamicFee(), DF_R, Web3jTxs.integer(BigInteger.valueOf(5)));
        final TxDecodeException ex = assertThrows(TxDecodeException.class, () -> decoder.decode(raw));
        assertEquals(TxRejection.INVALID_SIGNATURE, ex.reason());
        // Only recovery can tell: decodeTrusted, which skips it, accepts the bytes.
        final Address journalSender = Address.fromHex(CREDENTIALS.getAddress());
        assertEquals(journalSender, assertDoesNotThrow(() -> decoder.decodeTrusted(raw, journalSender)).sender());
    }

    @Test
    void gasLimitAboveTheBlockGasLimitIsRejected()
    {
        assertRejected(TxRejection.GAS_LIMIT_EXCEEDS_BLOCK, Web3jTxs.dynamicFee(GWEI, GWEI, ChainConstants.BLOCK_GAS_LIMIT + 1));
        assertDecodes(Web3jTxs.dynamicFee(GWEI, GWEI, ChainConstants.BLOCK_GAS_LIMIT));
    }

    @Test
    void gasLimitBelowIntrinsicGasIsRejected()
    {
        // data {0, 0, 1, 2} and one address with two keys: 21000 + 2*4 + 2*16 + 2400 + 2*1900 = 27240.
        final List<AccessListObject> accessList = List.of(
            new AccessListObject("0x" + "22".repeat(20), List.of("0x" + "33".repeat(32), "0x" + "44".repeat(32))));
        final RawTransaction tooLow = RawTransaction.createTransaction(CHAIN_ID, BigInteger.ONE, BigInteger.valueOf(27_239), TO,
            BigInteger.ONE, "0x00000102", GWEI, GWEI, accessList);
        assertRejected(TxRejection.INTRINSIC_GAS_TOO_LOW, TransactionEncoder.signMessage(tooLow, CREDENTIALS));

        final RawTransaction enough = RawTransaction.createTransaction(CHAIN_ID, BigInteger.ONE, BigInteger.valueOf(27_240), TO,
            BigInteger.ONE, "0x00000102", GWEI, GWEI, accessList);
        assertEquals(27_240, assertDecodes(TransactionEncoder.signMessage(enough, CREDENTIALS)).intrinsicGas());

        assertRejected(TxRejection.INTRINSIC_GAS_TOO_LOW, Web3jTxs.legacy(CHAIN_ID, 0, GWEI, 20_999, TO, BigInteger.ONE, "0x"));
    }

    @Test
    void feeCapBelowTheFloorIsRejected()
    {
        final BigInteger belowFloor = BigInteger.valueOf(ChainConstants.BASE_FEE_FLOOR - 1);
        assertRejected(TxRejection.FEE_CAP_BELOW_FLOOR, Web3jTxs.dynamicFee(BigInteger.ZERO, belowFloor, 21_000));
        assertRejected(TxRejection.FEE_CAP_BELOW_FLOOR, Web3jTxs.legacy(CHAIN_ID, 0, belowFloor, 21_000, TO, BigInteger.ONE, "0x"));
        assertRejected(TxRejection.FEE_CAP_BELOW_FLOOR, Web3jTxs.accessList(CHAIN_ID, 0, belowFloor, 21_000, TO, BigInteger.ONE, "0x", List.of()));
        assertDecodes(Web3jTxs.dynamicFee(BigInteger.ZERO, BigInteger.valueOf(ChainConstants.BASE_FEE_FLOOR), 21_000));
    }

    @Test
    void tipAboveFeeCapIsRejected()
    {
        assertRejected(TxRejection.TIP_ABOVE_FEE_CAP, Web3jTxs.dynamicFee(GWEI.add(BigInteger.ONE), GWEI, 21_000));
        assertDecodes(Web3jTxs.dynamicFee(GWEI, GWEI, 21_000));
    }

    @Test
    void feeAboveLongMaxIsRejected()
    {
        final BigInteger tooHigh = BigInteger.TWO.pow(63);
        assertRejected(TxRejection.FEE_TOO_HIGH, Web3jTxs.dynamicFee(GWEI, tooHigh, 21_000));
        assertRejected(TxRejection.FEE_TOO_HIGH, Web3jTxs.dynamicFee(tooHigh, tooHigh, 21_000));
        assertRejected(TxRejection.FEE_TOO_HIGH, Web3jTxs.legacy(CHAIN_ID, 0, BigInteger.TWO.pow(200), 21_000, TO, BigInteger.ONE, "0x"));
    }

    @Test
    void contractCreationIsRejected()
    {
        assertRejected(TxRejection.CONTRACT_CREATION_UNSUPPORTED,
            Web3jTxs.dynamicFee(CHAIN_ID, 0, GWEI, GWEI, 100_000, "", BigInteger.ZERO, "0x6000"));
        assertRejected(TxRejection.CONTRACT_CREATION_UNSUPPORTED,
            Web3jTxs.legacy(CHAIN_ID, 0, GWEI, 100_000, "", BigInteger.ZERO, "0x6000"));
    }

    @Test
    void everyStatelessReasonIsCoveredByThisClass()
    {
        // Guards the "one test per rejection" contract: a new stateless reason needs a test here.
        final List<TxRejection> stateless = List.of(TxRejection.MALFORMED_RLP, TxRejection.OVERSIZED, TxRejection.UNKNOWN_TYPE,
            TxRejection.BLOB_TX_UNSUPPORTED, TxRejection.UNPROTECTED_LEGACY, TxRejection.WRONG_CHAIN_ID, TxRejection.HIGH_S,
            TxRejection.INVALID_SIGNATURE, TxRejection.GAS_LIMIT_EXCEEDS_BLOCK, TxRejection.INTRINSIC_GAS_TOO_LOW,
            TxRejection.FEE_CAP_BELOW_FLOOR, TxRejection.TIP_ABOVE_FEE_CAP, TxRejection.FEE_TOO_HIGH,
            TxRejection.CONTRACT_CREATION_UNSUPPORTED);
        assertEquals(stateless, List.of(TxRejection.values()).subList(0, stateless.size()));
        assertEquals(TxRejection.NONCE_TOO_LOW, TxRejection.values()[stateless.size()]);
    }

    private EthTransaction assertDecodes(final byte[] raw)
    {
        try
        {
            return decoder.decode(raw);
        }
        catch (final TxDecodeException ex)
        {
            throw new AssertionError("expected to decode, was rejected: " + ex.reason() + " (" + ex.getMessage() + ")", ex);
        }
    }

    private void assertRejected(final TxRejection expected, final byte[] raw)
    {
        final Executable decode = () -> decoder.decode(raw);
        final TxDecodeException ex = assertThrows(TxDecodeException.class, decode);
        assertEquals(expected, ex.reason(), () -> "detail: " + ex.getMessage());
        // decodeTrusted applies the same rules, recovery aside.
        final TxDecodeException trusted = assertThrows(TxDecodeException.class,
            () -> decoder.decodeTrusted(raw, Address.fromHex(CREDENTIALS.getAddress())));
        assertEquals(expected, trusted.reason(), () -> "trusted detail: " + trusted.getMessage());
    }
}
