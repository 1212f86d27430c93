package dev.seqnet.chain.tx;

import dev.seqnet.chain.Address;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.AccessListObject;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.rlp.RlpType;
import org.web3j.utils.Numeric;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.seqnet.chain.tx.Web3jTxs.CHAIN_ID;
import static dev.seqnet.chain.tx.Web3jTxs.CREDENTIALS;
import static dev.seqnet.chain.tx.Web3jTxs.GWEI;
import static dev.seqnet.chain.tx.Web3jTxs.TO;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TxDecoderTest
{
    private final TxDecoder decoder = new TxDecoder(CHAIN_ID);

    @Test
    void decodesDynamicFeeTransferWithoutData() throws Exception
    {
        final BigInteger value = new BigInteger("1000000000000000000");
        final byte[] raw = Web3jTxs.dynamicFee(CHAIN_ID, 42, GWEI, GWEI.multiply(BigInteger.valueOf(3)), 21_000, TO, value, "0x");

        final EthTransaction tx = decoder.decode(raw);

        assertFields(tx, raw, EthTransaction.TYPE_DYNAMIC_FEE, 42, 1_000_000_000L, 3_000_000_000L, 21_000, TO, value, new byte[0]);
        assertEquals(21_000, tx.intrinsicGas());
    }

    @Test
    void decodesDynamicFeeWithDataAndAccessList() throws Exception
    {
        // 100 bytes of data (> 55, so the string takes the long-form header), 10 of them zero.
        final byte[] data = new byte[100];
        for (int i = 10; i < data.length; i++)
        {
            data[i] = (byte)i;
        }
        final List<AccessListObject> accessList = List.of(
            new AccessListObject("0x" + "ab".repeat(20), List.of("0x" + "01".repeat(32), "0x" + "02".repeat(32))),
            new AccessListObject("0x" + "cd".repeat(20), List.of()));
        final RawTransaction unsigned = RawTransaction.createTransaction(
            CHAIN_ID, BigInteger.valueOf(3), BigInteger.valueOf(100_000), TO, BigInteger.ZERO,
            Numeric.toHexString(data), BigInteger.valueOf(2), GWEI, accessList);
        final byte[] raw = TransactionEncoder.signMessage(unsigned, CREDENTIALS);

        final EthTransaction tx = decoder.decode(raw);

        assertFields(tx, raw, EthTransaction.TYPE_DYNAMIC_FEE, 3, 2, 1_000_000_000L, 100_000, TO, BigInteger.ZERO, data);
        // 21000 + 10 zero bytes * 4 + 90 non-zero * 16 + 2 addresses * 2400 + 2 keys * 1900
        assertEquals(21_000 + 40 + 1_440 + 4_800 + 3_800, tx.intrinsicGas());
    }

    @Test
    void decodesAccessListTransaction() throws Exception
    {
        final byte[] data = {0, 0, 1, 2};
        final List<AccessListObject> accessList = List.of(
            new AccessListObject("0x" + "22".repeat(20), List.of("0x" + "33".repeat(32))));
        final byte[] raw = Web3jTxs.accessList(CHAIN_ID, 0, GWEI, 50_000, TO, BigInteger.valueOf(5), Numeric.toHexString(data), accessList);

        final EthTransaction tx = decoder.decode(raw);

        assertFields(tx, raw, EthTransaction.TYPE_ACCESS_LIST, 0, 1_000_000_000L, 1_000_000_000L, 50_000, TO, BigInteger.valueOf(5), data);
        // 21000 + 2 zero bytes * 4 + 2 non-zero * 16 + 2400 + 1900
        assertEquals(21_000 + 8 + 32 + 2_400 + 1_900, tx.intrinsicGas());
    }

    @Test
    void decodesAccessListTransactionWithEmptyAccessList() throws Exception
    {
        final byte[] raw = Web3jTxs.accessList(CHAIN_ID, 9, GWEI, 21_000, TO, BigInteger.ONE, "0x", List.of());

        final EthTransaction tx = decoder.decode(raw);

        assertFields(tx, raw, EthTransaction.TYPE_ACCESS_LIST, 9, 1_000_000_000L, 1_000_000_000L, 21_000, TO, BigInteger.ONE, new byte[0]);
    }

    @Test
    void decodesEip155LegacyTransfer() throws Exception
    {
        final byte[] raw = Web3jTxs.legacy(CHAIN_ID, 1, GWEI, 21_000, TO, BigInteger.TEN, "0x");

        final EthTransaction tx = decoder.decode(raw);

        assertFields(tx, raw, EthTransaction.TYPE_LEGACY, 1, 1_000_000_000L, 1_000_000_000L, 21_000, TO, BigInteger.TEN, new byte[0]);
    }

    @Test
    void decodesEip155LegacyWithData() throws Exception
    {
        final byte[] data = new byte[300];
        new Random(1).nextBytes(data);
        data[0] = 0;
        final byte[] raw = Web3jTxs.legacy(CHAIN_ID, 123_456, BigInteger.valueOf(25_000_000_000L), 90_000, TO, BigInteger.ZERO, Numeric.toHexString(data));

        final EthTransaction tx = decoder.decode(raw);

        assertFields(tx, raw, EthTransaction.TYPE_LEGACY, 123_456, 25_000_000_000L, 25_000_000_000L, 90_000, TO, BigInteger.ZERO, data);
        assertEquals(21_000 + expectedCalldataGas(data), tx.intrinsicGas());
    }

    @Test
    void decodesLargeValuesAndFees() throws Exception
    {
        final BigInteger value = BigInteger.TWO.pow(255).add(BigInteger.valueOf(12345));
        final BigInteger feeCap = BigInteger.valueOf(Long.MAX_VALUE);
        final byte[] raw = Web3jTxs.dynamicFee(CHAIN_ID, Long.MAX_VALUE, feeCap, feeCap, 10_000_000, TO, value, "0x");

        final EthTransaction tx = decoder.decode(raw);

        assertFields(tx, raw, EthTransaction.TYPE_DYNAMIC_FEE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, 10_000_000, TO, value, new byte[0]);
    }

    @Test
    void decodesManyRandomTransactionsFromManyKeys() throws Exception
    {
        final Random random = new Random(20240611);
        for (int i = 0; i < 150; i++)
        {
            final Credentials credentials = Credentials.create(ECKeyPair.create(randomKey(random)));
            final byte[] data = new byte[random.nextInt(4) == 0 ? random.nextInt(2000) : random.nextInt(60)];
            for (int j = 0; j < data.length; j++)
            {
                data[j] = random.nextInt(3) == 0 ? 0 : (byte)random.nextInt(256);
            }
            final long nonce = random.nextInt(3) == 0 ? random.nextLong() & Long.MAX_VALUE : random.nextInt(1000);
            final long feeCap = 10_000_000L + (random.nextLong() & 0xFFFFFFFFFFL);
            final long tip = random.nextInt(5) == 0 ? feeCap : (random.nextLong() & Long.MAX_VALUE) % (feeCap + 1);
            final long gasLimit = 21_000 + 16L * data.length + random.nextInt(1_000_000);
            final BigInteger value = new BigInteger(random.nextInt(256), random);
            final String to = Numeric.toHexString(randomBytes(random, 20));
            final int type = random.nextInt(3);
            final RawTransaction unsigned;
            final byte[] raw;
            if (type == EthTransaction.TYPE_DYNAMIC_FEE)
            {
                unsigned = RawTransaction.createTransaction(CHAIN_ID, BigInteger.valueOf(nonce), BigInteger.valueOf(gasLimit), to, value,
                    Numeric.toHexString(data), BigInteger.valueOf(tip), BigInteger.valueOf(feeCap));
                raw = TransactionEncoder.signMessage(unsigned, credentials);
            }
            else if (type == EthTransaction.TYPE_ACCESS_LIST)
            {
                unsigned = RawTransaction.createTransaction(CHAIN_ID, BigInteger.valueOf(nonce), BigInteger.valueOf(feeCap),
                    BigInteger.valueOf(gasLimit + 20_000), to, value, Numeric.toHexString(data), randomAccessList(random));
                raw = TransactionEncoder.signMessage(unsigned, credentials);
            }
            else
            {
                unsigned = RawTransaction.createTransaction(BigInteger.valueOf(nonce), BigInteger.valueOf(feeCap),
                    BigInteger.valueOf(gasLimit), to, value, Numeric.toHexString(data));
                raw = TransactionEncoder.signMessage(unsigned, CHAIN_ID, credentials);
            }

            final EthTransaction tx = decoder.decode(raw);

            assertEquals(type, tx.type(), "type of tx " + i);
            assertEquals(Address.fromHex(credentials.getAddress()), tx.sender(), "sender of tx " + i);
            assertArrayEquals(Hash.sha3(raw), tx.hash(), "hash of tx " + i);
            assertEquals(nonce, tx.nonce());
            assertEquals(feeCap, tx.maxFeePerGas());
            assertEquals(type == EthTransaction.TYPE_DYNAMIC_FEE ? tip : feeCap, tx.maxPriorityFeePerGas());
            assertEquals(Address.fromHex(to), tx.to());
            assertEquals(value, tx.value());
            assertArrayEquals(data, tx.data());
            assertEquals(CHAIN_ID, tx.chainId());

            final EthTransaction trusted = decoder.decodeTrusted(raw, tx.sender());
            assertSameFields(tx, trusted);
        }
    }

    @Test
    void decodeTrustedReturnsTheSameFieldsAndTheGivenSender() throws Exception
    {
        final List<AccessListObject> accessList = List.of(
            new AccessListObject("0x" + "22".repeat(20), List.of("0x" + "33".repeat(32))));
        final byte[][] raws = {
            Web3jTxs.dynamicFee(),
            Web3jTxs.accessList(CHAIN_ID, 4, GWEI, 60_000, TO, BigInteger.TWO, "0x0102", accessList),
            Web3jTxs.legacy(CHAIN_ID, 5, GWEI, 21_000, TO, BigInteger.ONE, "0x"),
        };
        for (final byte[] raw : raws)
        {
            final EthTransaction decoded = decoder.decode(raw);
            final EthTransaction trusted = decoder.decodeTrusted(raw, decoded.sender());
            assertSameFields(decoded, trusted);

            final Address journalSender = Address.fromHex("0x" + "99".repeat(20));
            assertEquals(journalSender, decoder.decodeTrusted(raw, journalSender).sender());
        }
    }

    @Test
    void decodeTrustedStillEnforcesTheStatelessRules()
    {
        final byte[] wrongChain = Web3jTxs.dynamicFee(1, 0, GWEI, GWEI, 21_000, TO, BigInteger.ONE, "0x");
        final TxDecodeException ex = assertThrows(TxDecodeException.class,
            () -> decoder.decodeTrusted(wrongChain, Address.fromHex(CREDENTIALS.getAddress())));
        assertEquals(TxRejection.WRONG_CHAIN_ID, ex.reason());
    }

    @Test
    void tamperedFieldRecoversToADifferentSender() throws Exception
    {
        final byte[] raw = Web3jTxs.dynamicFee();
        final List<RlpType> fields = Web3jTxs.fields(raw);
        fields.set(6, Web3jTxs.integer(BigInteger.valueOf(11)));
        final byte[] tampered = Web3jTxs.encode(raw, fields);

        final EthTransaction tx = decoder.decode(tampered);

        assertEquals(BigInteger.valueOf(11), tx.value());
        assertNotEquals(Address.fromHex(CREDENTIALS.getAddress()), tx.sender());
    }

    @Test
    void oneDecoderIsSafeToShareBetweenThreads() throws Exception
    {
        final Random random = new Random(99);
        final int count = 64;
        final byte[][] raws = new byte[count][];
        final Address[] senders = new Address[count];
        for (int i = 0; i < count; i++)
        {
            final BigInteger key = randomKey(random);
            final Credentials credentials = Credentials.create(ECKeyPair.create(key));
            final RawTransaction unsigned = RawTransaction.createTransaction(CHAIN_ID, BigInteger.valueOf(i), BigInteger.valueOf(60_000), TO,
                BigInteger.valueOf(i), Numeric.toHexString(randomBytes(random, i)), GWEI, GWEI);
            raws[i] = TransactionEncoder.signMessage(unsigned, credentials);
            senders[i] = Address.fromHex(credentials.getAddress());
        }
        final ExecutorService pool = Executors.newFixedThreadPool(2);
        try
        {
            final List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 2; t++)
            {
                final int offset = t * 17;
                results.add(pool.submit(() ->
                {
                    int ok = 0;
                    for (int round = 0; round < 20; round++)
                    {
                        for (int i = 0; i < count; i++)
                        {
                            final int k = (i + offset) % count;
                            final EthTransaction tx = decoder.decode(raws[k]);
                            if (tx.sender().equals(senders[k]) && tx.nonce() == k && tx.data().length == k)
                            {
                                ok++;
                            }
                        }
                    }
                    return ok;
                }));
            }
            for (final Future<Integer> result : results)
            {
                assertEquals(20 * count, result.get());
            }
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    @Test
    void keepsTheCallersRawArray() throws Exception
    {
        final byte[] raw = Web3jTxs.dynamicFee();
        assertSame(raw, decoder.decode(raw).raw());
    }

    @Test
    void rejectsNonPositiveChainId()
    {
        assertThrows(IllegalArgumentException.class, () -> new TxDecoder(0));
    }

    private static void assertFields(final EthTransaction tx, final byte[] raw, final int type, final long nonce,
        final long tip, final long feeCap, final long gasLimit, final String to, final BigInteger value, final byte[] data)
    {
        assertEquals(type, tx.type());
        assertEquals(CHAIN_ID, tx.chainId());
        assertEquals(nonce, tx.nonce());
        assertEquals(tip, tx.maxPriorityFeePerGas());
        assertEquals(feeCap, tx.maxFeePerGas());
        assertEquals(gasLimit, tx.gasLimit());
        assertEquals(Address.fromHex(to), tx.to());
        assertEquals(value, tx.value());
        assertArrayEquals(data, tx.data());
        assertEquals(Address.fromHex(CREDENTIALS.getAddress()), tx.sender());
        assertArrayEquals(Hash.sha3(raw), tx.hash());
        assertArrayEquals(raw, tx.raw());
    }

    private static void assertSameFields(final EthTransaction expected, final EthTransaction actual)
    {
        assertArrayEquals(expected.raw(), actual.raw());
        assertArrayEquals(expected.hash(), actual.hash());
        assertEquals(expected.sender(), actual.sender());
        assertEquals(expected.type(), actual.type());
        assertEquals(expected.chainId(), actual.chainId());
        assertEquals(expected.nonce(), actual.nonce());
        assertEquals(expected.maxPriorityFeePerGas(), actual.maxPriorityFeePerGas());
        assertEquals(expected.maxFeePerGas(), actual.maxFeePerGas());
        assertEquals(expected.gasLimit(), actual.gasLimit());
        assertEquals(expected.to(), actual.to());
        assertEquals(expected.value(), actual.value());
        assertArrayEquals(expected.data(), actual.data());
        assertEquals(expected.intrinsicGas(), actual.intrinsicGas());
    }

    private static long expectedCalldataGas(final byte[] data)
    {
        long gas = 0;
        for (final byte b : data)
        {
            gas += b == 0 ? 4 : 16;
        }
        return gas;
    }

    private static List<AccessListObject> randomAccessList(final Random random)
    {
        final List<AccessListObject> list = new ArrayList<>();
        final int addresses = random.nextInt(3);
        for (int a = 0; a < addresses; a++)
        {
            final List<String> keys = new ArrayList<>();
            final int keyCount = random.nextInt(3);
            for (int k = 0; k < keyCount; k++)
            {
                keys.add(Numeric.toHexString(randomBytes(random, 32)));
            }
            list.add(new AccessListObject(Numeric.toHexString(randomBytes(random, 20)), keys));
        }
        return list;
    }

    static byte[] randomBytes(final Random random, final int length)
    {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    static BigInteger randomKey(final Random random)
    {
        BigInteger key;
        do
        {
            key = new BigInteger(256, random);
        }
        while (key.signum() == 0 || key.compareTo(Web3jTxs.N) >= 0);
        return key;
    }
}
